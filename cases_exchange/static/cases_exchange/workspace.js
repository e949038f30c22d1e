// Send form and agency pickers: filter the agency list as you type; show only the fieldset that the
// chosen distribution level uses. Without JavaScript every field stays visible and works.
(function () {
    "use strict";
    Array.prototype.forEach.call(document.querySelectorAll(".agency-picker"), function (picker) {
        var input = picker.querySelector(".agency-filter");
        if (!input) { return; }
        var none = document.createElement("p");  // said when nothing matches, instead of an empty box
        none.className = "empty-state";
        none.hidden = true;
        none.textContent = input.dataset.none || "";
        input.insertAdjacentElement("afterend", none);
        input.addEventListener("input", function () {
            var needle = input.value.trim().toLowerCase();
            var shown = 0;
            Array.prototype.forEach.call(picker.querySelectorAll(".choice"), function (choice) {
                choice.hidden = needle !== "" && choice.textContent.toLowerCase().indexOf(needle) === -1;
                shown += choice.hidden ? 0 : 1;
            });
            none.hidden = shown > 0 || needle === "";
        });
    });
    // A file over the size limit is refused when it is chosen, not after it has been uploaded.
    Array.prototype.forEach.call(document.querySelectorAll("input[type=file][data-max-bytes]"), function (box) {
        box.addEventListener("change", function () {
            var limit = Number(box.dataset.maxBytes);
            var tooBig = Array.prototype.filter.call(box.files, function (file) { return file.size > limit; });
            box.setCustomValidity(tooBig.length ? box.dataset.tooBig + tooBig.map(function (file) {
                return file.name;
            }).join(", ") : "");
            if (tooBig.length) { box.reportValidity(); }
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
