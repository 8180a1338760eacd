// The popup flow as real HighLevel integrations write it (see shared research §5.2, §5.3).
// window.ghlExample records what happened, for people and for the end-to-end tests.
(function () {
  "use strict";
  var record = (window.ghlExample = { messages: [], accounts: null, accountsStatus: null, events: [] });
  var config = null;
  var popup = null;
  var poll = null;
  var gotMessage = false;

  function status(text) {
    document.getElementById("status").textContent = text;
    record.events.push(text);
  }

  function showProfiles(profiles) {
    var list = document.getElementById("profiles");
    list.textContent = "";
    profiles.forEach(function (p) {
      var item = document.createElement("li");
      item.textContent = p.name + " (@" + p.username + ")" + (p.verified ? " [verified]" : "");
      list.appendChild(item);
    });
  }

  function fetchAccounts(accountId) {
    var url = config.mockUrl + "/social-media-posting/oauth/" + encodeURIComponent(config.locationId) +
      "/tiktok-business/accounts/" + encodeURIComponent(accountId);
    return fetch(url, { headers: { Authorization: "Bearer " + config.token, Version: "2021-07-28" } })
      .then(function (response) {
        record.accountsStatus = response.status;
        return response.json();
      })
      .then(function (body) {
        record.accounts = body;
        if (body.success) {
          showProfiles(body.results.profile);
          status("Connected: " + body.results.profile.length + " profile(s).");
        } else {
          status("Accounts call failed: " + body.statusCode + " " + body.message);
        }
      })
      .catch(function (err) {
        status("Accounts call failed: " + err);
      });
  }

  window.addEventListener("message", function (e) {
    if (e.data && e.data.page === "social_media_posting") {
      gotMessage = true;
      record.messages.push({ origin: e.origin, data: e.data });
      document.getElementById("message").textContent = JSON.stringify(e.data, null, 2);
      if (e.data.actionType === "close" && e.data.accountId) {
        status("Authorized; fetching the account…");
        fetchAccounts(e.data.accountId);
      } else if (e.data.actionType === "close") {
        status("Cancelled by the user.");
      }
    }
  }, false);

  function watch() {
    // Fallback: some flows close the popup without a message; notice that too.
    clearInterval(poll);
    poll = setInterval(function () {
      if (popup && popup.closed) {
        clearInterval(poll);
        setTimeout(function () {
          if (!gotMessage) status("Popup closed without a message.");
        }, 500);
      }
    }, 250);
  }

  function openPopup() {
    var left = (screen.width - 600) / 2;
    var top = (screen.height - 700) / 2;
    gotMessage = false;
    popup = window.open("about:blank", "ghl_oauth_popup",
      "width=600,height=700,left=" + left + ",top=" + top + ",resizable=yes,scrollbars=yes");
    if (!popup) {
      status("Popup blocked: allow popups for this site and try again.");
      return null;
    }
    watch();
    return popup;
  }

  function reconnect() {
    return document.getElementById("reconnect").checked;
  }

  document.getElementById("connect-server").addEventListener("click", function () {
    // Open the window inside the click (popup blockers), then point it at the 302's Location.
    var win = openPopup();
    if (!win) return;
    status("Asking our back end for the OAuth URL…");
    var consent = new URLSearchParams(location.search).get("consent");
    var query = "?reconnect=" + reconnect() + (consent ? "&consent=" + encodeURIComponent(consent) : "");
    fetch("/api/oauth-url" + query)
      .then(function (r) { return r.json(); })
      .then(function (body) {
        if (!body.url) throw new Error(JSON.stringify(body));
        status("Waiting for the popup…");
        win.location.href = body.url;
      })
      .catch(function (err) {
        win.close();
        status("Start failed: " + err.message);
      });
  });

  document.getElementById("connect-direct").addEventListener("click", function () {
    var win = openPopup();
    if (!win) return;
    var params = new URLSearchParams({ locationId: config.locationId, userId: config.userId });
    if (reconnect()) params.set("reconnect", "true");
    status("Waiting for the popup…");
    win.location.href = config.mockUrl + "/social-media-posting/oauth/tiktok-business/start?" + params;
  });

  fetch("/api/config")
    .then(function (r) { return r.json(); })
    .then(function (c) {
      config = c;
      record.ready = true;
    });
})();
