// A form marked data-submit-once sends once: its buttons are disabled after the first submit (the server's
// form key also refuses a second case, but nobody should wait for two requests).
document.addEventListener("submit", function (event) {
  var form = event.target;
  if (!form.hasAttribute("data-submit-once")) return;
  if (form.dataset.submitted) { event.preventDefault(); return; }
  form.dataset.submitted = "1";
  setTimeout(function () {
    form.querySelectorAll("button[type=submit], button:not([type])").forEach(function (b) { b.disabled = true; });
  }, 0);
});

// An amount marked data-budget-left="2700.00" (what is left of the month's promotion budget) shows, in its
// form's [data-budget-after], what would be left after it, and reveals the form's [data-over-budget] part when
// that is below zero. The server checks again; this only saves a round trip.
function budgetAfter(input) {
  var form = input.form, shown = form && form.querySelector("[data-budget-after]");
  if (!shown) return;
  var typed = Number(input.value.replace(/[,，]/g, "").replace(/[０-９．]/g, function (c) {
    return String.fromCharCode(c.charCodeAt(0) - 0xFEE0);
  }));
  if (!input.value.trim() && input.defaultValue) typed = Number(input.defaultValue);
  if (!isFinite(typed)) return;
  var after = Number(input.dataset.budgetLeft) - typed;
  shown.textContent = after.toLocaleString("en-US", {minimumFractionDigits: 2, maximumFractionDigits: 2});
  shown.classList.toggle("text-danger", after < 0);
  form.querySelectorAll("[data-over-budget]").forEach(function (part) { part.hidden = after >= 0; });
}
document.addEventListener("input", function (event) {
  if (event.target.dataset && event.target.dataset.budgetLeft !== undefined) budgetAfter(event.target);
});
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("[data-budget-left]").forEach(budgetAfter);
});
