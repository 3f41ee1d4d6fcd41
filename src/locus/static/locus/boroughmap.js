// Draws the borough map with Leaflet (vendored; loaded as a classic script before this
// module). The page's data comes from Django's json_script and the borough's shapes from
// its JSON endpoint: no inline script, so the strict CSP holds. Every name is set with
// textContent, never as HTML. The tables under the map hold everything drawn here.

const data = JSON.parse(document.getElementById("borough-map-data").textContent);
const L = window.L;

const OUTLINE = { color: "#0b0c0c", weight: 3, fill: false, interactive: false };
// The sectors, the outline and the routes are pictures only: not clickable, hidden from
// screen readers. A sector's count is in the table of postcode sectors under the map, and a
// route's place in the table of places (its marker opens it).
const SECTOR = {
  color: "#505a5f",
  weight: 1,
  fillOpacity: 0.8,
  interactive: false,
  className: "locus-sector",
};
const ROUTE = { color: "#0b0c0c", weight: 3, dashArray: "6 4", interactive: false };

function element(tag, text, className) {
  const node = document.createElement(tag);
  if (text !== undefined) node.textContent = text;
  if (className) node.className = className;
  return node;
}

// Drawn once the map has a view (Leaflet waits until then to add a layer).
function pictureOnly(shape) {
  const hide = () => shape.getElement().setAttribute("aria-hidden", "true");
  if (shape.getElement()) hide();
  else shape.once("add", hide);
  return shape;
}

function incidents(count) {
  return `${count} incident${count === 1 ? "" : "s"}`;
}

function placePopup(place) {
  const box = element("div");
  const link = element("a", place.name, "govuk-link");
  link.href = place.url;
  box.append(
    link,
    element("div", place.kind),
    element("div", place.sector ? `Sector ${place.sector}` : "Outside the borough"),
    element("div", incidents(place.count)),
  );
  return box;
}

// A popup stays clear of the zoom buttons and fits a phone's map (345 pixels wide at 375: the
// zoom buttons' 48, the popup's 240 and its margins).
const POPUP = { maxWidth: 240, autoPanPaddingTopLeft: [48, 10] };

const HOTSPOT = {
  color: "#d4351c",
  weight: 3,
  dashArray: "8 6",
  fill: false,
  className: "locus-hotspot-ring",
};

function hotspotName(hotspot) {
  const near = hotspot.anchor ? ` near ${hotspot.anchor}` : "";
  return `${hotspot.label} hotspot${near}`;
}

function hotspotPopup(hotspot) {
  const box = element("div");
  const link = element("a", hotspotName(hotspot), "govuk-link");
  link.href = hotspot.url;
  box.append(link, element("div", hotspot.words));
  return box;
}

// Moves the map to centre on ``at`` at once (not animated), then scrolls the page to show
// ``shown``: the browser scrolled to it where it was before the map moved.
function bringIntoView(map, at, shown) {
  map.panTo(at, { animate: false });
  shown.scrollIntoView({ block: "nearest", inline: "nearest" });
}

// A ring opens its popup, so the keyboard reaches it as it does a place: a button named for
// the hotspot, in the tab order; Enter or Space opens the popup and moves to its link, and
// Escape there comes back to the ring.
function reachable(map, ring, hotspot, popup) {
  const path = ring.getElement();
  path.setAttribute("tabindex", "0");
  path.setAttribute("role", "button");
  path.setAttribute("aria-label", hotspotName(hotspot));
  path.addEventListener("focus", () => {
    // Focused off the map's edge: bring it into view, so the focus is not hidden.
    if (!map.getBounds().contains(ring.getBounds())) bringIntoView(map, ring.getLatLng(), path);
  });
  path.addEventListener("keydown", (event) => {
    if (event.key !== "Enter" && event.key !== " ") return;
    event.preventDefault();
    ring.openPopup(ring.getLatLng());
    // Not scrolled into view by the browser: Leaflet pans the map to show the popup.
    popup.querySelector("a").focus({ preventScroll: true });
  });
  popup.addEventListener("keydown", (event) => {
    if (event.key !== "Escape") return;
    ring.closePopup();
    path.focus();
  });
}

// A ring is drawn at least this many pixels across, so that zoomed out, on a phone, it keeps
// its 24 by 24 pixels to tap (WCAG 2.2, 2.5.8); closer in it is the hotspot's true size.
const RING_PX = 26;

function metresPerPixel(map, at) {
  const earth = 40075016.686; // the equator, in metres
  return (earth * Math.cos((L.latLng(at).lat * Math.PI) / 180)) / 2 ** (map.getZoom() + 8);
}

function drawHotspots(map) {
  for (const hotspot of data.hotspots) {
    const popup = hotspotPopup(hotspot);
    const ring = L.circle(hotspot.at, { ...HOTSPOT, radius: hotspot.radius })
      .bindPopup(popup, POPUP)
      .addTo(map);
    const size = () =>
      ring.setRadius(Math.max(hotspot.radius, (RING_PX / 2) * metresPerPixel(map, hotspot.at)));
    size();
    map.on("zoomend", size);
    reachable(map, ring, hotspot, popup);
  }
}

// A marker focused off the map's edge, or under the zoom buttons at its top left, is moved
// into view, so the focus is not hidden (WCAG 2.2, 2.4.11). Not by Leaflet's own panning on
// focus, which moves the map after the browser has scrolled the page to where the marker
// was: the marker could end up below the window.
function keptInView(map, drawn, half) {
  drawn.getElement().addEventListener("focus", () => {
    const at = drawn.getLatLng();
    const point = map.latLngToContainerPoint(at);
    const size = map.getSize();
    const off =
      point.x - half < 0 ||
      point.y - half < 0 ||
      point.x + half > size.x ||
      point.y + half > size.y;
    const underZoomButtons = point.x - half < 48 && point.y - half < 80;
    if (off || underZoomButtons) bringIntoView(map, at, drawn.getElement());
  });
}

function markerSize(count) {
  return count >= 20 ? 34 : count >= 5 ? 28 : 24;
}

// Places nearer each other on the screen than this (across or down, in pixels) are drawn
// as one marker: the largest marker and room to spare, so no marker covers another and
// each keeps its 24 by 24 pixels to tap (WCAG 2.2, 2.5.8) at every width and zoom.
const GAP = 40;

function groupPlaces(map) {
  // The busiest place first (the data's order) leads its group, and the group is drawn at
  // its point: leaders are at least GAP apart, so their markers never overlap.
  const groups = [];
  for (const place of data.places) {
    const point = map.latLngToLayerPoint(place.at);
    const near = groups.find(
      (group) => Math.abs(group.point.x - point.x) < GAP && Math.abs(group.point.y - point.y) < GAP,
    );
    if (near) near.places.push(place);
    else groups.push({ point, places: [place] });
  }
  return groups;
}

function total(places) {
  return places.reduce((sum, place) => sum + place.count, 0);
}

function markerName(places) {
  const [first] = places;
  if (places.length === 1) return `${first.name}, ${first.kind}: ${incidents(first.count)}`;
  return `${places.length} places near ${first.name}: ${incidents(total(places))}`;
}

function groupPopup(map, places) {
  const box = element("div");
  box.append(element("div", `${places.length} places close together`, "locus-map-group__count"));
  const bounds = L.latLngBounds(places.map((place) => place.at));
  // Places at one point stay together however far in: the list is the only way to them.
  if (!bounds.getNorthEast().equals(bounds.getSouthWest())) {
    const zoom = element(
      "button",
      "Zoom in to these places",
      "govuk-button govuk-button--secondary locus-map-group__zoom",
    );
    zoom.type = "button";
    zoom.addEventListener("click", () => {
      map.closePopup();
      map.fitBounds(bounds, { padding: [GAP, GAP] });
      map.getContainer().focus();
    });
    box.append(zoom);
  }
  const list = element("ul", undefined, "govuk-list locus-map-group");
  for (const place of places) {
    const item = element("li");
    const link = element("a", place.name, "govuk-link");
    link.href = place.url;
    item.append(link, ` (${place.kind}): ${incidents(place.count)}`);
    list.append(item);
  }
  box.append(list);
  return box;
}

function marker(map, places) {
  const count = total(places);
  const label = element("span", String(count));
  const single = places.length === 1;
  const kinds = ["locus-place-marker"];
  if (!single) kinds.push("locus-place-group");
  else if (places[0].kind === "Home") kinds.push("locus-home");
  const size = markerSize(count);
  const icon = L.divIcon({ html: label, className: kinds.join(" "), iconSize: [size, size] });
  const at = places[0].at;
  const drawn = L.marker(at, { icon, keyboard: true, riseOnHover: true, autoPanOnFocus: false });
  if (single) drawn.bindPopup(placePopup(places[0]), POPUP);
  else drawn.bindPopup(groupPopup(map, places), { ...POPUP, maxHeight: 240 });
  return drawn;
}

function drawPlaces(map) {
  for (const place of data.places) {
    if (place.end) pictureOnly(L.polyline([place.at, place.end], ROUTE).addTo(map));
  }
  const markers = L.layerGroup().addTo(map);
  const redraw = () => {
    markers.clearLayers();
    for (const group of groupPlaces(map)) {
      const drawn = marker(map, group.places).addTo(markers);
      drawn.getElement().setAttribute("aria-label", markerName(group.places));
      keptInView(map, drawn, markerSize(total(group.places)) / 2);
    }
  };
  redraw();
  map.on("zoomend", redraw);
}

// The Left, Right, Up and Down buttons above the map move it as the arrow keys do, so it
// moves with a click or a tap as well as by dragging (WCAG 2.2, 2.5.7).
function movedByButtons(map) {
  const step = map.options.keyboardPanDelta;
  const by = { left: [-step, 0], right: [step, 0], up: [0, -step], down: [0, step] };
  const box = document.getElementById("borough-map-move");
  for (const button of box.querySelectorAll("[data-map-move]")) {
    button.addEventListener("click", () => map.panBy(by[button.dataset.mapMove]));
  }
  box.hidden = false;
}

function draw(shapes) {
  const map = L.map("borough-map", {
    keyboard: true,
    attributionControl: false,
    zoomSnap: 0.25,
    maxZoom: 18,
  });
  if (data.tiles) L.tileLayer(data.tiles.url, { maxZoom: 19 }).addTo(map);
  for (const sector of shapes.sectors) {
    if (!sector.rings.length) continue;
    const shade = data.shaded[sector.code];
    const style = shade === undefined ? { fillOpacity: 0 } : { fillColor: data.shades[shade] };
    pictureOnly(L.polygon(sector.rings, { ...SECTOR, ...style }).addTo(map));
  }
  const outline = pictureOnly(L.polygon(shapes.outline, OUTLINE).addTo(map));
  // Clear of the zoom buttons at the top left, so no place sits under them.
  map.fitBounds(outline.getBounds(), { paddingTopLeft: [48, 8], paddingBottomRight: [8, 8] });
  drawHotspots(map);
  drawPlaces(map);
  movedByButtons(map);
}

fetch(data.shapes, { credentials: "same-origin" })
  .then((response) => {
    if (!response.ok) throw new Error(`the map's shapes: ${response.status}`);
    return response.json();
  })
  .then(draw)
  .catch(() => {
    const box = document.getElementById("borough-map");
    box.append(element("p", "The map could not be drawn. The tables below hold everything it shows.", "govuk-body govuk-!-margin-3"));
  });
