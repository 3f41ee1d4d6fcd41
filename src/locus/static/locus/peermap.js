// Draws a peer map with Cytoscape.js (vendored; loaded as classic scripts before this module).
// The page data comes from Django's json_script: no inline script, so the strict CSP holds.
// Every element's label is what the server decided the viewer may see (names or initials);
// this file adds nothing but drawing.

const data = JSON.parse(document.getElementById("peer-map-data").textContent);
const container = document.getElementById("peer-map-canvas");
const cytoscape = window.cytoscape;

if (window.cytoscapeFcose) {
  cytoscape.use(window.cytoscapeFcose);
}

// Colours meet contrast on white; each nature also has its own line style, so the map
// reads without colour (colour-blind readers, black-and-white print).
const style = [
  {
    selector: "node",
    style: {
      label: "data(label)",
      "text-wrap": "wrap",
      "text-max-width": "120px",
      "text-valign": "bottom",
      "text-margin-y": 4,
      "font-family": "arial, sans-serif",
      "font-size": 11,
      color: "#0b0c0c",
      "text-background-color": "#ffffff",
      "text-background-opacity": 0.85,
      "text-background-padding": "2px",
      width: 26,
      height: 26,
      "background-color": "#ffffff",
      "border-color": "#0b0c0c",
      "border-width": 2,
    },
  },
  {
    selector: "node.centre",
    style: { width: 40, height: 40, "background-color": "#1d70b8", "font-weight": "bold" },
  },
  { selector: "node.unknown", style: { "border-style": "dashed", "background-color": "#f3f2f1" } },
  { selector: "node.social-care", style: { "border-style": "double", "border-width": 6 } },
  { selector: "node.youth-justice", style: { shape: "diamond", width: 32, height: 32 } },
  {
    selector: "node.place",
    style: {
      shape: "round-rectangle",
      "background-color": "#f3f2f1",
      "border-color": "#505a5f",
      width: 30,
      height: 20,
    },
  },
  {
    selector: "node.group",
    style: { shape: "hexagon", "background-color": "#d2e2f1", "border-color": "#1d70b8" },
  },
  { selector: "node.centre.group", style: { width: 44, height: 40 } },
  { selector: "edge", style: { width: 1.5, "line-color": "#8e9194", "curve-style": "bezier" } },
  { selector: "edge.protective", style: { width: 4, "line-color": "#00703c", "line-style": "solid" } },
  {
    selector: "edge.risk",
    style: { width: 4, "line-color": "#d4351c", "line-style": "dashed", "line-dash-pattern": [9, 5] },
  },
  {
    selector: "edge.unclear",
    style: { width: 3, "line-color": "#505a5f", "line-style": "dotted" },
  },
];
// On a group's map each member's role labels their line to the group; on a child's map
// the lines are many and short, so roles are left to the tables.
if (data.layout === "fcose") {
  style.push({
    selector: "edge.member",
    style: {
      label: "data(label)",
      "font-size": 10,
      color: "#484949",
      "text-background-color": "#ffffff",
      "text-background-opacity": 0.85,
    },
  });
}

function layoutFor(kind) {
  if (kind === "fcose" && window.cytoscapeFcose) {
    return { name: "fcose", animate: false, nodeSeparation: 90, idealEdgeLength: 110, padding: 30 };
  }
  // Rings, as on a genogram: the child at the centre, then the peers one step out,
  // the places and groups they share, then the peers two steps out.
  const ring = { centre: 4, 1: 3, context: 2, 2: 1 };
  return {
    name: "concentric",
    animate: false,
    padding: 30,
    minNodeSpacing: 50,
    spacingFactor: 1.4,
    concentric: (node) => {
      if (node.hasClass("centre")) return ring.centre;
      if (node.hasClass("place") || node.hasClass("group")) return ring.context;
      return ring[node.data("step")] || 1;
    },
    levelWidth: () => 1,
  };
}

if (container && cytoscape) {
  const cy = cytoscape({
    container,
    elements: { nodes: data.nodes, edges: data.edges },
    style,
    layout: layoutFor(data.layout),
    minZoom: 0.2,
    maxZoom: 3,
  });
  // Only elements the server gave a link (people the viewer may name, contexts) go anywhere.
  cy.on("tap", "node", (event) => {
    const href = event.target.data("href");
    if (href) window.location.assign(href);
  });
  container.dataset.nodes = String(cy.nodes().length);
  container.dataset.edges = String(cy.edges().length);
  container.dataset.rendered = "true";

  const button = document.getElementById("peer-map-png");
  if (button) {
    button.addEventListener("click", async () => {
      // The image leaves Locus: it is made only once the server has logged the export.
      const logged = await fetch(button.dataset.exportUrl, {
        method: "POST",
        headers: { "X-CSRFToken": button.dataset.csrf },
        credentials: "same-origin",
      }).catch(() => null);
      if (!logged || !logged.ok) return;
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
