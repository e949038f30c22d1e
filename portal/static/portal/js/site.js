// Small progressive enhancements of the public site. Everything works without this file.
(function () {
    "use strict";

    // Phone layout: the menu button opens and closes the main navigation.
    var toggle = document.querySelector(".nav-toggle");
    var nav = document.getElementById("main-nav");
    if (toggle && nav) {
        toggle.addEventListener("click", function () {
            var open = nav.classList.toggle("is-open");
            toggle.setAttribute("aria-expanded", open ? "true" : "false");
        });
        // The header tools (search, language, account links, sign-out) are hidden on phones; repeat them
        // inside the menu.
        var tools = document.querySelector(".site-header__tools");
        if (tools) {
            var copy = document.createElement("li");
            copy.className = "mobile-tools";
            var parts = tools.querySelectorAll(".header-search, .lang-switch a, a.account, form.inline-form");
            Array.prototype.forEach.call(parts, function (part) {
                var clone = part.cloneNode(true);
                // Ids must stay unique: the copy's get a prefix, and its labels follow them.
                Array.prototype.forEach.call(clone.querySelectorAll("[id]"), function (el) { el.id = "menu-" + el.id; });
                // The copy's search box has no suggestion list of its own.
                Array.prototype.forEach.call(clone.querySelectorAll("[role=combobox]"), function (el) {
                    ["role", "aria-autocomplete", "aria-expanded"].forEach(function (name) { el.removeAttribute(name); });
                });
                Array.prototype.forEach.call(clone.querySelectorAll("label[for]"), function (label) {
                    label.setAttribute("for", "menu-" + label.getAttribute("for"));
                });
                copy.appendChild(clone);
            });
            nav.querySelector("ul").appendChild(copy);
        }
    }
    // A policy document's outline stands open beside the text on a wide screen; on a phone, where it comes
    // before the text, it starts folded (without this file it is simply open).
    if (window.matchMedia && window.matchMedia("(max-width: 999px)").matches) {
        Array.prototype.forEach.call(document.querySelectorAll("details[data-fold-on-phone]"), function (fold) {
            fold.open = false;
        });
    }
    // A form that came back with errors: bring its summary into view and read it first; its links lead
    // to the fields. (A feedback form inside a closed <details> is opened by the page itself.)
    var summary = document.querySelector("[data-error-summary]");
    if (summary) {
        summary.scrollIntoView({ block: "center" });
        summary.focus({ preventScroll: true });
    }
})();
