// Starts Swagger UI on /api/v1/docs/ from the schema address in the page; a file, not an inline script,
// so the page needs no 'unsafe-inline' in its Content-Security-Policy.
(function () {
  var element = document.getElementById("swagger-ui");
  window.ui = window.SwaggerUIBundle({
    url: element.getAttribute("data-schema-url"),
    dom_id: "#swagger-ui",
    deepLinking: true,
    presets: [window.SwaggerUIBundle.presets.apis, window.SwaggerUIStandalonePreset],
    layout: "BaseLayout",
    supportedSubmitMethods: ["get", "head"],
    validatorUrl: null,
  });
})();
