// Send form and agency pickers: filter the agency list as you type; show only the fieldset that the
// chosen distribution level uses. Without JavaScript every field stays visible and works.
(function () {
    "use strict";
    Array.prototype.forEach.call(document.querySelectorAll(".agency-picker"), function (picker) {
        var input = picker.querySelector(".agency-filter");
        if (!input) { return; }
        input.addEventListener("input", function () {
            var needle = input.value.trim();
            Array.prototype.forEach.call(picker.querySelectorAll(".choice"), function (choice) {
                choice.hidden = needle !== "" && choice.textContent.indexOf(needle) === -1;
            });
        });
    });
    var form = document.querySelector(".send-form");
    if (!form) { return; }
    function sync() {
        var checked = form.querySelector("input[name=distribution]:checked");
        var level = checked ? checked.value : "";
        Array.prototype.forEach.call(form.querySelectorAll("fieldset[data-for]"), function (fieldset) {
            fieldset.hidden = fieldset.dataset.for !== level;
        });
    }
    form.addEventListener("change", sync);
    sync();
})();
