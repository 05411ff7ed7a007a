// Starts Swagger UI on our own OpenAPI document. A separate file, because the
// Content-Security-Policy allows no inline script.
(function () {
  var root = document.getElementById("swagger-ui");
  window.SwaggerUIBundle({
    url: root.getAttribute("data-spec-url"),
    domNode: root,
    deepLinking: true,
    queryConfigEnabled: false,
    validatorUrl: null,
  });
})();
