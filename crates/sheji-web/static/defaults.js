// The new-batch form: choosing another tier presses "load this tier's default rules" (the
// button stays for browsers without JavaScript).
(function () {
  "use strict";
  document.querySelectorAll("button[data-defaults]").forEach(function (button) {
    var select = button.form && button.form.querySelector("select[name=kind]");
    if (select) { select.addEventListener("change", function () { button.click(); }); }
  });
})();
