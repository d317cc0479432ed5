// The portal's only script of its own; everything works without it (and without htmx).
// Search addresses that htmx pushes into the history stay short: empty filters are left out.
document.addEventListener("htmx:configRequest", (event) => {
  const parameters = event.detail.parameters;
  for (const [name, value] of Object.entries(parameters)) {
    if (value === "") {
      delete parameters[name];
    }
  }
});
