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
        // The header tools (search, language, sign-in) are hidden on phones; repeat them inside the menu.
        var tools = document.querySelector(".site-header__tools");
        if (tools) {
            var copy = document.createElement("li");
            copy.className = "mobile-tools";
            Array.prototype.forEach.call(tools.querySelectorAll(".lang-switch a, a.account"), function (link) {
                var clone = link.cloneNode(true);
                // Ids must stay unique: the copy keeps its classes and data attributes only.
                Array.prototype.forEach.call(clone.querySelectorAll("[id]"), function (el) { el.removeAttribute("id"); });
                copy.appendChild(clone);
            });
            nav.querySelector("ul").appendChild(copy);
        }
    }
})();
