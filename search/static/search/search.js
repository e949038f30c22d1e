// Search page on a phone: the filters start folded above the results unless one is chosen.
(function () {
    "use strict";
    var panel = document.querySelector(".search-facets__panel[data-fold-on-phone=yes]");
    if (panel && window.matchMedia("(max-width: 40rem)").matches) { panel.open = false; }
})();

// Header search box autocomplete: titles from /search/autocomplete as the user types (no dependencies).
(function () {
    "use strict";
    var box = document.querySelector("[data-autocomplete-url]");
    if (!box) { return; }
    var input = box.querySelector("input[type=search]");
    var list = document.createElement("ul");
    list.setAttribute("role", "listbox");
    list.id = "header-search-options";
    list.hidden = true;
    box.appendChild(list);
    input.setAttribute("aria-controls", list.id);
    var timer = null;
    var active = -1;

    function close() { list.hidden = true; list.textContent = ""; active = -1; input.setAttribute("aria-expanded", "false"); }

    function show(items) {
        list.textContent = "";
        items.forEach(function (text, i) {
            var li = document.createElement("li");
            li.setAttribute("role", "option");
            li.id = "header-search-option-" + i;
            li.textContent = text;
            li.addEventListener("mousedown", function (e) { e.preventDefault(); input.value = text; box.submit(); });
            list.appendChild(li);
        });
        list.hidden = items.length === 0;
        input.setAttribute("aria-expanded", items.length ? "true" : "false");
    }

    input.addEventListener("input", function () {
        clearTimeout(timer);
        var q = input.value.trim();
        if (!q) { close(); return; }
        timer = setTimeout(function () {
            fetch(box.dataset.autocompleteUrl + "?q=" + encodeURIComponent(q), { credentials: "same-origin" })
                .then(function (r) { return r.ok ? r.json() : { suggestions: [] }; })
                .then(function (data) { if (input.value.trim() === q) { show(data.suggestions || []); } })
                .catch(close);
        }, 150);
    });
    input.addEventListener("keydown", function (e) {
        var options = list.querySelectorAll("li");
        if (!options.length) { return; }
        if (e.key === "ArrowDown" || e.key === "ArrowUp") {
            e.preventDefault();
            active = (active + (e.key === "ArrowDown" ? 1 : options.length - 1)) % options.length;
            options.forEach(function (o, i) { o.setAttribute("aria-selected", i === active ? "true" : "false"); });
            input.setAttribute("aria-activedescendant", options[active].id);
        } else if (e.key === "Enter" && active >= 0) {
            input.value = options[active].textContent;
        } else if (e.key === "Escape") {
            close();
        }
    });
    input.addEventListener("blur", function () { setTimeout(close, 100); });
})();
