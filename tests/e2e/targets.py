"""What WCAG 2.2 asks of a page that axe checks only in part: targets big enough to tap
(2.5.8), and a focused control left in view (2.4.11)."""

from __future__ import annotations

from typing import Any

# Every link, button and form control the reader can see and use, measured as WCAG 2.5.8
# measures it. A target under 24 by 24 CSS pixels passes if a 24-pixel circle on its centre
# touches no other target, nor another small target's circle. A link inside a sentence (text
# beside it in the same block) is exempt, as are a control the browser draws unstyled and
# one hidden from view. GOV.UK's checkbox and radio inputs, transparent over the boxes drawn
# for them, are what a tap lands on: they are measured. A box focusable only so the keyboard
# can scroll it (a wide table's, a map's) is not a target to tap.
_SMALL_TARGETS_JS = """
() => {
  const SIZE = 24;
  const selector = "a[href], button, input:not([type=hidden]), select, textarea, summary, "
    + "[role=button], [role=link]";
  const seen = (el) => {
    // Hidden also inside a closed <details>, which getComputedStyle does not say.
    if (!el.checkVisibility({ checkVisibilityCSS: true })) return false;
    const r = el.getBoundingClientRect();
    return r.width > 1 && r.height > 1;
  };
  const inSentence = (el) => {
    if (el.tagName !== "A" || getComputedStyle(el).display !== "inline") return false;
    const block = el.parentElement.closest("p, li, td, dd, th, legend, div, span, label");
    if (!block) return false;
    const own = (el.textContent || "").trim().length;
    return (block.textContent || "").trim().length > own;
  };
  const name = (el) => {
    const text = (el.getAttribute("aria-label") || el.textContent || el.value || el.name || "")
      .replace(/\\s+/g, " ").trim().slice(0, 40);
    return `${el.tagName.toLowerCase()}${el.id ? "#" + el.id : ""} "${text}"`;
  };
  const targets = [...document.querySelectorAll(selector)]
    .filter((el) => !el.disabled && seen(el) && !el.closest("[inert], [aria-hidden=true]"))
    .map((el) => ({ el, r: el.getBoundingClientRect() }));
  const centre = (r) => [r.left + r.width / 2, r.top + r.height / 2];
  const distanceToRect = ([x, y], r) => {
    const dx = Math.max(r.left - x, 0, x - r.right);
    const dy = Math.max(r.top - y, 0, y - r.bottom);
    return Math.hypot(dx, dy);
  };
  const small = (t) => t.r.width < SIZE - 0.5 || t.r.height < SIZE - 0.5;
  const out = [];
  for (const t of targets) {
    if (!small(t) || inSentence(t.el)) continue;
    const c = centre(t.r);
    const crowded = targets.some((o) => {
      if (o === t || o.el.contains(t.el) || t.el.contains(o.el)) return false;
      if (small(o)) {
        const [ox, oy] = centre(o.r);
        return Math.hypot(c[0] - ox, c[1] - oy) < SIZE - 0.5;
      }
      return distanceToRect(c, o.r) < SIZE / 2 - 0.5;
    });
    if (crowded) {
      out.push(`${name(t.el)} ${Math.round(t.r.width)}x${Math.round(t.r.height)}`);
    }
  }
  return out;
}
"""


def small_targets(page: Any) -> list[str]:
    """The targets on the page that fail WCAG 2.5.8: each as its tag, name and size."""
    result: list[str] = page.evaluate(_SMALL_TARGETS_JS)
    return result


# Where the focused element is, and whether something drawn over it (a sticky or fixed box,
# a banner, a map's controls) hides it entirely: WCAG 2.4.11 asks that it is not.
_FOCUS_HIDDEN_JS = """
() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const r = el.getBoundingClientRect();
  if (r.width < 1 || r.height < 1) return null;
  const xs = [r.left + 1, r.left + r.width / 2, r.right - 1];
  const ys = [r.top + 1, r.top + r.height / 2, r.bottom - 1];
  for (const x of xs) for (const y of ys) {
    if (x < 0 || y < 0 || x >= innerWidth || y >= innerHeight) continue;
    const top = document.elementFromPoint(x, y);
    if (top && (top === el || el.contains(top) || top.contains(el))) return null;
  }
  const text = (el.getAttribute("aria-label") || el.textContent || el.name || "")
    .replace(/\\s+/g, " ").trim().slice(0, 40);
  return `${el.tagName.toLowerCase()} "${text}" at ${Math.round(r.left)},${Math.round(r.top)}`;
}
"""


def focus_hidden(page: Any) -> str | None:
    """The focused element if nothing of it can be seen (covered, or out of the window), else
    None."""
    result: str | None = page.evaluate(_FOCUS_HIDDEN_JS)
    return result


def tab_until_hidden(page: Any, presses: int) -> list[str]:
    """Press Tab ``presses`` times; the focused elements that were hidden, in order."""
    hidden = []
    for _ in range(presses):
        page.keyboard.press("Tab")
        where = focus_hidden(page)
        if where:
            hidden.append(where)
    return hidden
