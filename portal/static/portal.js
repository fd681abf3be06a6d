/* Portail des achats responsables — keyboard focus after htmx swaps (WCAG 2.4.3, RGAA 12.8).
   An htmx swap replaces the element that had focus (the button that sent the form), and the
   browser then drops focus back to <body>: a keyboard or screen-reader user would start again
   from the top of the page. After each swap, focus goes where the user's attention should be:
     1. the error summary of a refused form (.error-summary, templates/_forms.html), which says
        what to correct and links each error to its field;
     2. else the first field of the first new line, after « Ajouter des lignes »
        ([data-new-row], the declaration forms);
     3. else a message swapped into #flash (a refusal answered as a message);
     4. else, when focus was lost, the new content's heading, or the new content itself.
   Focus that htmx kept (a search field, the filter button outside the swapped results) stays.
   The pages work without this file; it only moves focus. Status messages are already announced
   by the #flash region (aria-live, templates/base.html), so nothing more is said here. */
(function () {
  "use strict";

  var FIELDS = "input:not([type=hidden]):not([disabled]), select:not([disabled]), textarea:not([disabled])";

  // Focus an element that is not focusable by nature (a div, a heading): tabindex="-1" lets
  // a script focus it without adding a stop to the Tab order.
  function focusOn(element) {
    if (!element.matches("a[href], button, " + FIELDS) && !element.hasAttribute("tabindex")) {
      element.setAttribute("tabindex", "-1");
    }
    element.focus();
  }

  function focusLost() {
    var active = document.activeElement;
    return !active || active === document.body || !active.isConnected;
  }

  // htmx:afterSettle fires on each element of the swap (the new element for an outerHTML swap,
  // the target for innerHTML), once its attributes and htmx's own autofocus are settled.
  document.addEventListener("htmx:afterSettle", function (event) {
    var content = event.target;
    if (!(content instanceof Element) || !content.isConnected) return;
    var summary = content.matches(".error-summary") ? content : content.querySelector(".error-summary");
    if (summary) return focusOn(summary);
    var newRow = content.querySelector("[data-new-row]");
    if (newRow && newRow.querySelector(FIELDS)) return focusOn(newRow.querySelector(FIELDS));
    if (content.id === "flash" && content.firstElementChild) return focusOn(content.firstElementChild);
    if (focusLost()) focusOn(content.querySelector("h1, h2, h3") || content);
  });

  // After a form sent with htmx succeeds, the server answers HX-Redirect and the next page
  // loads in full (« Brouillon enregistré. »): focus its message, as after a swap.
  document.addEventListener("DOMContentLoaded", function () {
    var message = document.querySelector("#flash > .notice");
    if (message) focusOn(message);
  });
})();
