// Live notifications for signed-in users (DESIGN §6). The page works without this file: the unread
// counter and the lists are rendered by the server. With it, /ws/notifications/ pushes the ids of new
// notifications; the contents are fetched from /notifications/feed over HTTP (permission-checked).
// On every (re)connection the client sends the last id it has seen and the server replays the rest,
// so a dropped connection loses nothing.
(function () {
    "use strict";
    var body = document.body;
    if (!body || !body.dataset.userId || !window.WebSocket) { return; }

    var storageKey = "portal:last-notification:" + body.dataset.userId;
    var lastId = Math.max(Number(body.dataset.lastNotificationId || 0), Number(sessionStorage.getItem(storageKey) || 0));
    var feedUrl = body.dataset.feedUrl;
    var socket = null;
    var retry = 0;
    var fetching = false;
    var pending = false;

    // The header counter, and its copy in the phone menu.
    function setCounter(unread) {
        Array.prototype.forEach.call(document.querySelectorAll(".bell [data-unread]"), function (counter) {
            counter.textContent = String(unread);
            counter.dataset.unread = String(unread);
            counter.hidden = unread === 0;
        });
    }

    function remember(id) {
        if (id > lastId) {
            lastId = id;
            sessionStorage.setItem(storageKey, String(lastId));
        }
    }

    // Fetch everything after lastId; coalesce bursts into one request at a time.
    function fetchFeed() {
        if (fetching) { pending = true; return; }
        fetching = true;
        fetch(feedUrl + "?after=" + encodeURIComponent(lastId), { credentials: "same-origin", headers: { Accept: "application/json" } })
            .then(function (response) { return response.ok ? response.json() : null; })
            .then(function (data) {
                if (!data) { return; }
                remember(data.last_id);
                setCounter(data.unread);
                if (data.items.length) {
                    document.dispatchEvent(new CustomEvent("portal:notifications", { detail: data.items }));
                }
            })
            .catch(function () { /* the next push or reconnect fetches again */ })
            .then(function () {
                fetching = false;
                if (pending) { pending = false; fetchFeed(); }
            });
    }

    function connect() {
        var scheme = location.protocol === "https:" ? "wss://" : "ws://";
        socket = new WebSocket(scheme + location.host + "/ws/notifications/");
        socket.addEventListener("open", function () {
            retry = 0;
            body.dataset.live = "connected";
            socket.send(JSON.stringify({ type: "hello", last_id: lastId }));
        });
        socket.addEventListener("message", function (event) {
            var message;
            try { message = JSON.parse(event.data); } catch (e) { return; }
            if (message.type === "notification" && message.id > lastId) { fetchFeed(); }
        });
        socket.addEventListener("close", function (event) {
            body.dataset.live = "disconnected";
            if (event.code === 4401) { return; } // signed out: nothing to reconnect for
            retry = Math.min(retry + 1, 6);
            setTimeout(connect, 500 * Math.pow(2, retry - 1));
        });
    }

    // Pages that show live data (inbox, lead page) refresh the part named by data-live-fragment.
    document.addEventListener("portal:notifications", function (event) {
        var regions = document.querySelectorAll("[data-live-fragment]");
        Array.prototype.forEach.call(regions, function (region) {
            var leadId = region.dataset.leadId;
            var relevant = event.detail.some(function (item) {
                return !leadId || String(item.lead_id) === leadId;
            });
            if (!relevant) { return; }
            fetch(region.dataset.liveFragment, { credentials: "same-origin" })
                .then(function (response) { return response.ok ? response.text() : null; })
                .then(function (html) {
                    if (html === null) { return; }
                    region.innerHTML = html;
                    region.dispatchEvent(new CustomEvent("portal:refreshed", { bubbles: true }));
                });
        });
        var live = document.getElementById("live-announcer");
        if (live && event.detail.length) { live.textContent = event.detail[event.detail.length - 1].title; }
    });

    // The last recipient declined while the sender had the lead open: the hint arrives with the
    // recipients table, and the send-on form opens under it as it would on a fresh page.
    // The lead's status in the page's heading follows the refreshed part as well.
    document.addEventListener("portal:refreshed", function (event) {
        var sendMore = document.getElementById("send-more");
        if (sendMore && document.getElementById("send-more-hint")) { sendMore.open = true; }
        var fresh = event.target.querySelector("[data-lead-status]");
        var heading = document.getElementById("lead-status");
        if (fresh && heading) {
            heading.className = "status status--" + fresh.dataset.leadStatus;
            heading.textContent = fresh.textContent;
        }
    });

    connect();
})();
