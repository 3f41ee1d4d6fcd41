// Draws the borough map with Leaflet (vendored; loaded as a classic script before this
// module). The page's data comes from Django's json_script and the borough's shapes from
// its JSON endpoint: no inline script, so the strict CSP holds. Every name is set with
// textContent, never as HTML. The tables under the map hold everything drawn here.

const data = JSON.parse(document.getElementById("borough-map-data").textContent);
const L = window.L;

const OUTLINE = { color: "#0b0c0c", weight: 3, fill: false, interactive: false };
const SECTOR = { color: "#505a5f", weight: 1, fillOpacity: 0.8 };
const ROUTE = { color: "#0b0c0c", weight: 3, dashArray: "6 4" };

function element(tag, text, className) {
  const node = document.createElement(tag);
  if (text !== undefined) node.textContent = text;
  if (className) node.className = className;
  return node;
}

function incidents(count) {
  return `${count} incident${count === 1 ? "" : "s"}`;
}

function sectorPopup(code, count) {
  const box = element("div");
  box.append(element("strong", code), element("div", incidents(count)));
  return box;
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

const HOTSPOT = { color: "#d4351c", weight: 3, dashArray: "8 6", fill: false };

function hotspotPopup(hotspot) {
  const box = element("div");
  const link = element("a", `Hotspot: ${hotspot.label.toLowerCase()}`, "govuk-link");
  link.href = hotspot.url;
  box.append(link, element("div", hotspot.words));
  return box;
}

function drawHotspots(map) {
  for (const hotspot of data.hotspots) {
    L.circle(hotspot.at, { ...HOTSPOT, radius: hotspot.radius })
      .bindPopup(hotspotPopup(hotspot))
      .addTo(map);
  }
}

function markerSize(count) {
  return count >= 20 ? 34 : count >= 5 ? 28 : 24;
}

function drawPlaces(map) {
  for (const place of data.places) {
    if (place.end) L.polyline([place.at, place.end], ROUTE).addTo(map);
    const size = markerSize(place.count);
    const label = element("span", String(place.count));
    const icon = L.divIcon({
      html: label,
      className: `locus-place-marker${place.kind === "Home" ? " locus-home" : ""}`,
      iconSize: [size, size],
    });
    const marker = L.marker(place.at, { icon, keyboard: true, riseOnHover: true });
    marker.bindPopup(placePopup(place));
    marker.addTo(map);
    const node = marker.getElement();
    node.setAttribute("aria-label", `${place.name}, ${place.kind}: ${incidents(place.count)}`);
  }
}

function draw(shapes) {
  const map = L.map("borough-map", { keyboard: true, attributionControl: false, zoomSnap: 0.5 });
  if (data.tiles) L.tileLayer(data.tiles.url, { maxZoom: 19 }).addTo(map);
  for (const sector of shapes.sectors) {
    if (!sector.rings.length) continue;
    const [count, shade] = data.sectors[sector.code] || [0, -1];
    const style = shade >= 0 ? { fillColor: data.shades[shade] } : { fillOpacity: 0 };
    L.polygon(sector.rings, { ...SECTOR, ...style })
      .bindPopup(sectorPopup(sector.code, count))
      .addTo(map);
  }
  const outline = L.polygon(shapes.outline, OUTLINE).addTo(map);
  map.fitBounds(outline.getBounds());
  drawHotspots(map);
  drawPlaces(map);
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
