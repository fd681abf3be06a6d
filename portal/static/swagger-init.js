/* Starts Swagger UI on /api/docs (templates/portal/api_docs.html). A file rather than the
   inline script FastAPI writes: the portal's Content-Security-Policy runs no inline script.
   The address of the OpenAPI document comes from the page (data-spec-url). */
(function () {
  "use strict";

  var root = document.getElementById("swagger-ui");
  if (!root || typeof window.SwaggerUIBundle !== "function") {
    return;
  }
  window.ui = window.SwaggerUIBundle({
    url: root.getAttribute("data-spec-url"),
    domNode: root,
    layout: "BaseLayout",
    presets: [window.SwaggerUIBundle.presets.apis],
    deepLinking: true,
    // The default validator is an outside service: the page calls nothing but the portal.
    validatorUrl: null
  });
})();
