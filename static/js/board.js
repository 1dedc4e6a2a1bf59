// The planning board with htmx: after the match panel changes in place, move the
// focus to its heading, so that keyboard and screen-reader users continue there.
// Progressive enhancement only: without JavaScript the same links and forms load pages.
document.addEventListener("htmx:afterSwap", (event) => {
  const target = event.detail && event.detail.target;
  if (target && target.id === "match-panel") {
    const heading = target.querySelector("#match-heading");
    if (heading) {
      heading.focus();
    }
  }
});
