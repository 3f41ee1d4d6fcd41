// Draws a peer map with Cytoscape.js (vendored; loaded as classic scripts before this module).
// The page data comes from Django's json_script: no inline script, so the strict CSP holds.
// Every element's label is what the server decided the viewer may see (names or initials);
// this file adds nothing but drawing.

const data = JSON.parse(document.getElementById("peer-map-data").textContent);
const container = document.getElementById("peer-map-canvas");
const cytoscape = window.cytoscape;

// Type sizes match the server's layout (peers/maps.py FONT_PX, NODE_PX): labels are
// wrapped there, and the layout keeps every label's box clear of the others.
const FONT_PX = 13;
const NODE_PX = 32;
// A label drawn smaller than this (in screen pixels) is hidden, not shrunk to nothing.
const MIN_LABEL_PX = 11;
const LABEL_ZOOM = MIN_LABEL_PX / FONT_PX;

// Colours meet contrast on white; each nature also has its own line style, so the map
// reads without colour (colour-blind readers, black-and-white print).
const style = [
  {
    selector: "node",
    style: {
      label: "data(label)",
      "text-wrap": "wrap",
      "text-max-width": "1000px",
      "text-valign": "bottom",
      "text-margin-y": 4,
      "font-family": "arial, sans-serif",
      "font-size": FONT_PX,
      "min-zoomed-font-size": MIN_LABEL_PX,
      color: "#0b0c0c",
      "text-background-color": "#ffffff",
      "text-background-opacity": 0.9,
      "text-background-padding": "1px",
      width: NODE_PX - 6,
      height: NODE_PX - 6,
      "background-color": "#ffffff",
      "border-color": "#0b0c0c",
      "border-width": 2,
    },
  },
  {
    selector: "node.centre",
    style: { width: NODE_PX, height: NODE_PX, "background-color": "#1d70b8", "font-weight": "bold" },
  },
  { selector: "node.unknown", style: { "border-style": "dashed", "background-color": "#f3f2f1" } },
  { selector: "node.social-care", style: { "border-style": "double", "border-width": 6 } },
  { selector: "node.youth-justice", style: { shape: "diamond", width: NODE_PX, height: NODE_PX } },
  {
    selector: "node.place",
    style: {
      shape: "round-rectangle",
      "background-color": "#f3f2f1",
      "border-color": "#505a5f",
      width: NODE_PX,
      height: 22,
    },
  },
  {
    selector: "node.group",
    style: { shape: "hexagon", "background-color": "#d2e2f1", "border-color": "#1d70b8" },
  },
  { selector: "node.centre.group", style: { width: NODE_PX, height: NODE_PX } },
  {
    selector: "node.cluster",
    style: {
      width: NODE_PX,
      height: NODE_PX,
      "background-color": "#f3f2f1",
      "border-color": "#1d70b8",
      "border-style": "dashed",
      "border-width": 3,
    },
  },
  {
    selector: "edge.between",
    style: {
      width: 3,
      "line-color": "#505a5f",
      label: "data(label)",
      "font-size": 11,
      "min-zoomed-font-size": MIN_LABEL_PX,
      "text-background-color": "#ffffff",
      "text-background-opacity": 0.9,
    },
  },
  { selector: "edge", style: { width: 1.5, "line-color": "#8e9194", "curve-style": "straight" } },
  { selector: "edge.protective", style: { width: 4, "line-color": "#00703c", "line-style": "solid" } },
  {
    selector: "edge.risk",
    style: { width: 4, "line-color": "#d4351c", "line-style": "dashed", "line-dash-pattern": [9, 5] },
  },
  {
    selector: "edge.unclear",
    style: { width: 3, "line-color": "#505a5f", "line-style": "dotted" },
  },
  // Focus: the node and its neighbours stay; everything else fades (but stays legible
  // enough to see that it is there).
  { selector: ".faded", style: { opacity: 0.15 } },
  {
    selector: "node.focused",
    style: { "border-width": 5, "border-color": "#ffdd00", "font-weight": "bold", "z-index": 10 },
  },
];
// On a group's map each member's role labels their line to the group; on a child's map
// the lines are many and short, so roles are left to the tables.
if (data.edge_labels) {
  style.push({
    selector: "edge.member",
    style: {
      label: "data(label)",
      "font-size": 11,
      "min-zoomed-font-size": MIN_LABEL_PX,
      color: "#484949",
      "text-background-color": "#ffffff",
      "text-background-opacity": 0.85,
    },
  });
}

function listOf(names) {
  if (names.length < 2) return names.join("");
  return `${names.slice(0, -1).join(", ")} and ${names[names.length - 1]}`;
}

function plain(label) {
  return (label || "").replace(/\n/g, " ");
}

function setUp(cy) {
  const status = document.getElementById("peer-map-focus-status");
  const picker = document.getElementById("peer-map-focus");
  const nodes = cy.nodes();
  let focused = null;

  nodes.forEach((node) => {
    const option = document.createElement("option");
    option.value = node.id();
    option.textContent = plain(node.data("label"));
    picker?.appendChild(option);
  });

  function say(parts) {
    if (!status) return;
    status.replaceChildren(...parts);
  }

  function focus(node) {
    focused = node;
    cy.elements().removeClass("focused").addClass("faded");
    node.closedNeighborhood().removeClass("faded");
    node.addClass("focused");
    container.dataset.focused = plain(node.data("label"));
    if (picker) picker.value = node.id();
    const near = node
      .neighborhood("node")
      .map((n) => plain(n.data("label")))
      .sort();
    const parts = [
      `Focused on ${plain(node.data("label"))}${node.data("note") ? ` (${node.data("note")})` : ""}: `,
      near.length ? `linked to ${listOf(near)}.` : "linked to nobody on this map.",
    ];
    const href = node.data("href");
    if (href) {
      const link = document.createElement("a");
      link.className = "govuk-link";
      link.href = href;
      link.textContent = `Open the page of ${plain(node.data("label"))}`;
      parts.push(" ", link);
    }
    say(parts);
    // Bring it into view without changing the zoom the reader chose.
    cy.animate({ center: { eles: node } }, { duration: 150 });
  }

  function clear() {
    focused = null;
    cy.elements().removeClass("faded focused");
    delete container.dataset.focused;
    if (picker) picker.value = "";
    say([]);
  }

  function zoomBy(factor) {
    const zoom = Math.min(cy.maxZoom(), Math.max(cy.minZoom(), cy.zoom() * factor));
    cy.zoom({ level: zoom, renderedPosition: { x: cy.width() / 2, y: cy.height() / 2 } });
  }

  function step(by) {
    const index = focused ? nodes.indexOf(focused) : by > 0 ? -1 : 0;
    focus(nodes[(index + by + nodes.length) % nodes.length]);
  }

  const actions = {
    "zoom-in": () => zoomBy(1.25),
    "zoom-out": () => zoomBy(0.8),
    fit: () => cy.fit(undefined, 30),
    clear,
  };
  document.querySelectorAll("[data-map-action]").forEach((button) => {
    button.addEventListener("click", () => actions[button.dataset.mapAction]());
  });
  picker?.addEventListener("change", () => {
    if (picker.value) focus(cy.getElementById(picker.value));
    else clear();
  });

  // The arrow keys and the Left, Right, Up and Down buttons move the map the same step.
  const PAN = 60;
  const moves = {
    left: () => cy.panBy({ x: PAN, y: 0 }),
    right: () => cy.panBy({ x: -PAN, y: 0 }),
    up: () => cy.panBy({ x: 0, y: PAN }),
    down: () => cy.panBy({ x: 0, y: -PAN }),
  };
  document.querySelectorAll(".locus-peermap [data-map-move]").forEach((button) => {
    button.addEventListener("click", () => moves[button.dataset.mapMove]());
  });
  const keys = {
    "+": () => zoomBy(1.25),
    "=": () => zoomBy(1.25),
    "-": () => zoomBy(0.8),
    _: () => zoomBy(0.8),
    0: () => cy.fit(undefined, 30),
    ArrowLeft: moves.left,
    ArrowRight: moves.right,
    ArrowUp: moves.up,
    ArrowDown: moves.down,
    n: () => step(1),
    N: () => step(1),
    p: () => step(-1),
    P: () => step(-1),
    Escape: clear,
    Enter: () => {
      const href = focused?.data("href");
      if (href) window.location.assign(href);
    },
  };
  container.addEventListener("keydown", (event) => {
    const act = keys[event.key];
    if (!act || event.altKey || event.ctrlKey || event.metaKey) return;
    event.preventDefault();
    act();
  });

  // A click or tap focuses (a second one on the focused node opens its page, where the
  // server gave it one); a click on the background clears the focus.
  cy.on("tap", "node", (event) => {
    const node = event.target;
    if (focused && focused.same(node) && node.data("href")) {
      window.location.assign(node.data("href"));
    } else {
      focus(node);
    }
  });
  cy.on("tap", (event) => {
    if (event.target === cy) clear();
  });
  // The wheel zooms about the pointer. Cytoscape's own wheel zoom ignores the wheel for a
  // moment after any page scroll, so a reader who scrolled down to the map could never
  // zoom it: this listener runs first (capture) and takes the event.
  container.addEventListener(
    "wheel",
    (event) => {
      event.preventDefault();
      event.stopPropagation();
      const box = container.getBoundingClientRect();
      const delta = event.deltaMode === 1 ? event.deltaY * 33 : event.deltaY;
      const zoom = cy.zoom() * Math.pow(2, -delta / 500);
      cy.zoom({
        level: Math.min(cy.maxZoom(), Math.max(cy.minZoom(), zoom)),
        renderedPosition: { x: event.clientX - box.left, y: event.clientY - box.top },
      });
    },
    { capture: true, passive: false },
  );
  cy.on("zoom", () => {
    container.dataset.zoom = cy.zoom().toFixed(3);
    container.dataset.labels = cy.zoom() >= LABEL_ZOOM ? "shown" : "hidden";
  });
  // Where the map has been moved to, rounded: what the page's tests read.
  cy.on("pan", () => {
    const { x, y } = cy.pan();
    container.dataset.pan = `${Math.round(x)},${Math.round(y)}`;
  });
}

// A map box narrower than this (a phone's: GOV.UK's tablet breakpoint) always opens on the
// whole drawing.
const NARROW_PX = 641;

function firstView(cy) {
  // The whole map if its labels can be read at that size; otherwise, on a desk's wide box,
  // as close as makes them readable, centred on the child (the reader zooms out, or presses
  // 0, for all). On a phone that would leave places cut off at both edges, so the whole
  // drawing is fitted into its narrow box, its labels hidden until the reader zooms in.
  const narrow = cy.width() < NARROW_PX;
  cy.fit(undefined, narrow ? 10 : 30);
  if (cy.zoom() < LABEL_ZOOM && !narrow) {
    cy.zoom(LABEL_ZOOM);
    cy.center(cy.nodes(".centre"));
  } else if (cy.zoom() > 1.25) {
    // A small map is not blown up: labels at about their natural size.
    cy.zoom(1.25);
    cy.center();
  }
  container.dataset.zoom = cy.zoom().toFixed(3);
  container.dataset.labels = cy.zoom() >= LABEL_ZOOM ? "shown" : "hidden";
}

if (container && cytoscape) {
  const cy = cytoscape({
    container,
    elements: { nodes: data.nodes, edges: data.edges },
    style,
    layout: { name: "preset", fit: false },
    minZoom: 0.1,
    maxZoom: 4,
    wheelSensitivity: 0.4,
    // The keyboard and buttons move the map; a selection box would only get in the way.
    boxSelectionEnabled: false,
    autoungrabify: true,
  });
  firstView(cy);
  setUp(cy);
  container.dataset.nodes = String(cy.nodes().length);
  container.dataset.edges = String(cy.edges().length);
  container.dataset.rendered = "true";

  const button = document.getElementById("peer-map-png");
  const refused = document.getElementById("peer-map-png-refused");

  // Said as the page's error summaries are: shown by the button, read out, and focused.
  function refuse(reason) {
    if (!refused) return;
    document.getElementById("peer-map-png-reason").textContent = reason;
    refused.hidden = false;
    refused.focus();
  }

  if (button) {
    button.addEventListener("click", async () => {
      if (refused) refused.hidden = true;
      // The image leaves Locus: it is made only once the server has logged the export
      // (204; a sign-in page reached by a redirect is not a logged export).
      const logged = await fetch(button.dataset.exportUrl, {
        method: "POST",
        headers: { "X-CSRFToken": button.dataset.csrf },
        credentials: "same-origin",
      }).catch(() => null);
      if (logged && logged.status === 409) {
        // Refused (a child seen only through emergency access): the server says why.
        refuse(await logged.text());
        return;
      }
      if (!logged || logged.status !== 204) {
        refuse(
          "Locus could not record the download, so no image was made. Check you are still " +
            "signed in, then try again.",
        );
        return;
      }
      const blob = cy.png({ output: "blob", full: true, bg: "#ffffff", scale: 2 });
      const url = URL.createObjectURL(blob);
      const link = document.createElement("a");
      link.href = url;
      link.download = container.dataset.filename || "peer-map.png";
      document.body.appendChild(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(url), 1000);
    });
  }
}
