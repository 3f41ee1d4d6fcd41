import { initAll as initGovuk } from "../vendor/govuk-frontend/govuk-frontend.min.js";
import { initAll as initMoj } from "../vendor/moj-frontend/moj-frontend.min.js";

initGovuk();
initMoj();

// A table's scroll box is a tab stop so that keyboard users can scroll it; where the table fits,
// there is nothing to scroll and the stop only lengthens the tab order, so it is taken away, and
// given back when a narrower window makes the table overflow.
const scrollBoxes = document.querySelectorAll(".locus-table-scroll[tabindex]");
const fitTabStops = () => {
  for (const box of scrollBoxes) {
    if (box.scrollWidth > box.clientWidth) box.setAttribute("tabindex", "0");
    else box.removeAttribute("tabindex");
  }
};
fitTabStops();
window.addEventListener("resize", fitTabStops);
