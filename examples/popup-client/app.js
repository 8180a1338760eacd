// The popup flow as real HighLevel integrations write it (see shared research §5.2, §5.3), for
// every Social Planner network: start → popup → message → get accounts → attach the first item
// (where the network has an attach step) → list the location's accounts, each with a Delete button.
// window.ghlExample records what happened, for people and for the end-to-end tests:
//   accounts/accountsStatus  the get-accounts answer, published once the whole connect chain is done
//   attachBody/attach/attachStatus  what was POSTed and the answer (null for tiktok-business)
//   lists        every list-accounts answer, in order; deletes: [{id, status, body}]
//   startError   what the back end relayed when start did not redirect
//   pending      calls in flight (0 when the page is idle)
//   version      the Version header it sends: ?version=v3 (HighLevel's v3 generic routes), else
//                2021-07-28, or v3 for a network only v3 has (youtube, pinterest, threads, bluesky)
(function () {
  "use strict";
  var record = (window.ghlExample = {
    messages: [], accounts: null, accountsStatus: null, events: [],
    platform: null, startError: null, attachBody: null, attach: null, attachStatus: null,
    lists: [], listStatus: null, deletes: [], pending: 0
  });
  var config = null;
  var popup = null;
  var poll = null;
  var gotMessage = false;
  var flowPlatform = null;
  var select = document.getElementById("platform");

  function profileLabel(p) {
    return p.name + (p.username ? " (@" + p.username + ")" : "") + (p.verified ? " [verified]" : "");
  }

  function simpleBody(item) {
    return { originId: item.id, name: item.name, avatar: item.avatar };
  }

  // Under v3 the attach DTOs require more: the account type (and linkedin's urn).
  function v3Body(type) {
    return function (item) {
      var body = { type: typeof type === "function" ? type(item) : type, originId: item.id, name: item.name,
        avatar: item.avatar };
      if (item.urn) body.urn = item.urn;
      return body;
    };
  }

  // Where each network's get-accounts answer lists its items, and how one item is attached.
  // attachBody null: no attach step (tiktok-business: the approved consent connects its profiles).
  var NETWORKS = {
    google: {
      segment: "locations",
      items: function (r) { return r.locations && r.locations.location ? [r.locations] : []; },
      label: function (it) { return it.location.title + " (" + it.account.accountName + ")"; },
      attachBody: function (it) { return { location: it.location, account: it.account }; }
    },
    facebook: { items: function (r) { return r.pages || []; }, attachBody: simpleBody, v3Body: v3Body("page") },
    instagram: { items: function (r) { return r.accounts || []; }, attachBody: simpleBody },
    linkedin: {
      items: function (r) { return (r.pages || []).concat(r.profile || []); },
      attachBody: simpleBody,
      v3Body: v3Body(function (it) { return it.urn.indexOf("urn:li:person:") === 0 ? "profile" : "page"; })
    },
    twitter: { items: function (r) { return r.profile || []; }, attachBody: simpleBody },
    tiktok: { items: function (r) { return r.profile || []; }, attachBody: simpleBody, v3Body: v3Body("profile") },
    "tiktok-business": { items: function (r) { return r.profile || []; }, attachBody: null },
    // v3 only: HighLevel's generic routes (Version: v3)
    youtube: { items: function (r) { return r.profile || []; }, v3Body: v3Body("profile"), v3Only: true },
    pinterest: { items: function (r) { return r.profile || []; }, v3Body: v3Body("profile"), v3Only: true },
    threads: { items: function (r) { return r.profile || []; }, v3Body: v3Body("profile"), v3Only: true },
    bluesky: { items: function (r) { return r.profile || []; }, v3Body: simpleBody, v3Only: true }
  };
  Object.keys(NETWORKS).forEach(function (slug) {
    NETWORKS[slug].segment = NETWORKS[slug].segment || "accounts";
    NETWORKS[slug].label = NETWORKS[slug].label || profileLabel;
  });

  var asked = new URLSearchParams(location.search).get("version");
  function versionFor(slug) {
    return asked || (NETWORKS[slug].v3Only ? "v3" : "2021-07-28");
  }
  function attachBodyFor(network, version) {
    if (network.attachBody === null) return null; // tiktok-business: no attach step
    return version === "v3" ? network.v3Body || network.attachBody : network.attachBody;
  }

  function status(text) {
    document.getElementById("status").textContent = text;
    record.events.push(text);
  }

  function track(promise) {
    record.pending += 1;
    return promise.finally(function () { record.pending -= 1; });
  }

  function api(method, path, body) {
    var init = { method: method, headers: { Authorization: "Bearer " + config.token, Version: record.version } };
    if (body !== undefined) {
      init.headers["Content-Type"] = "application/json";
      init.body = JSON.stringify(body);
    }
    return fetch(config.mockUrl + path, init).then(function (response) {
      return response.json().then(function (json) { return { status: response.status, body: json }; });
    });
  }

  function failed(what, body) {
    return what + " failed: " + body.statusCode + " " + body.message;
  }

  function showProfiles(items, label) {
    var list = document.getElementById("profiles");
    list.textContent = "";
    items.forEach(function (p) {
      var item = document.createElement("li");
      item.textContent = label(p);
      list.appendChild(item);
    });
  }

  function showAccounts(accounts) {
    var list = document.getElementById("accounts");
    list.textContent = "";
    accounts.forEach(function (a) {
      var item = document.createElement("li");
      item.dataset.id = a.id;
      item.dataset.oauthId = a.oauthId;
      item.dataset.platform = a.platform;
      var text = document.createElement("span");
      text.className = "account";
      text.textContent = a.name + " · " + a.platform + " (" + a.type + ")" + (a.isExpired ? " [expired]" : "");
      var remove = document.createElement("button");
      remove.className = "delete";
      remove.textContent = "Delete";
      remove.addEventListener("click", function () { deleteAccount(a); });
      item.appendChild(text);
      item.appendChild(remove);
      list.appendChild(item);
    });
  }

  function locationPath() {
    return "/social-media-posting/" + encodeURIComponent(config.locationId) + "/accounts";
  }

  // Resolves to the status text to show: the count on success, else the failure.
  function listAccounts() {
    return api("GET", locationPath()).then(function (r) {
      record.listStatus = r.status;
      record.lists.push(r.body);
      if (!r.body.success) return { ok: false, text: failed("List call", r.body) };
      showAccounts(r.body.results.accounts);
      return { ok: true, count: r.body.results.accounts.length };
    });
  }

  function deleteAccount(account) {
    status("Deleting " + account.name + "…");
    track(api("DELETE", locationPath() + "/" + encodeURIComponent(account.id))
      .then(function (r) {
        record.deletes.push({ id: account.id, status: r.status, body: r.body });
        if (!r.body.success) {
          status(failed("Delete", r.body));
          return;
        }
        return listAccounts().then(function (list) {
          status(list.ok ? "Deleted " + account.name + "; " + list.count + " account(s) listed." : list.text);
        });
      })
      .catch(function (err) {
        status("Delete failed: " + err);
      }));
  }

  function connect(slug, accountId) {
    var network = NETWORKS[slug];
    var attachBody = attachBodyFor(network, record.version);
    var segment = record.version === "v3" ? "accounts" : network.segment; // v3: one generic path form
    var path = "/social-media-posting/oauth/" + encodeURIComponent(config.locationId) + "/" + slug + "/" +
      segment + "/" + encodeURIComponent(accountId);
    var got = null;
    var stage = "Accounts call";
    function publish(text) {
      // The last step: tests wait for `accounts !== null`, then read the final status.
      status(text);
      record.accounts = got.body;
    }
    track(api("GET", path)
      .then(function (r) {
        got = r;
        record.accountsStatus = r.status;
        if (!r.body.success) return publish(failed("Accounts call", r.body));
        var items = network.items(r.body.results);
        showProfiles(items, network.label);
        stage = "List call";
        if (!attachBody) {
          return listAccounts().then(function (list) {
            publish(list.ok ? "Connected: " + items.length + " profile(s)." : list.text);
          });
        }
        if (!items.length) return publish("Nothing to attach: the grant offers no pages or profiles.");
        var body = (record.attachBody = attachBody(items[0]));
        stage = "Attach";
        status("Attaching " + network.label(items[0]) + "…");
        return api("POST", path, body).then(function (a) {
          record.attachStatus = a.status;
          record.attach = a.body;
          if (a.status !== 201) return publish(failed("Attach", a.body));
          stage = "List call";
          return listAccounts().then(function (list) {
            publish(list.ok ? "Connected: " + a.body.results.name + " (" + list.count + " account(s) listed)." : list.text);
          });
        });
      })
      .catch(function (err) {
        status(stage + " failed: " + err);
        if (got) record.accounts = got.body;
      }));
  }

  window.addEventListener("message", function (e) {
    if (e.data && e.data.page === "social_media_posting") {
      gotMessage = true;
      record.messages.push({ origin: e.origin, data: e.data });
      document.getElementById("message").textContent = JSON.stringify(e.data, null, 2);
      if (e.data.actionType === "close" && e.data.accountId) {
        status("Authorized; fetching the account…");
        connect(flowPlatform || select.value, e.data.accountId);
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
    flowPlatform = record.platform = select.value;
    record.version = versionFor(flowPlatform);
    watch();
    return popup;
  }

  function reconnect() {
    return document.getElementById("reconnect").checked;
  }

  function showTitle() {
    document.getElementById("title").textContent = "Connect " + select.options[select.selectedIndex].text;
  }

  var wanted = new URLSearchParams(location.search).get("platform");
  if (wanted && Object.prototype.hasOwnProperty.call(NETWORKS, wanted)) select.value = wanted;
  select.addEventListener("change", showTitle);
  showTitle();

  document.getElementById("connect-server").addEventListener("click", function () {
    // Open the window inside the click (popup blockers), then point it at the 302's Location.
    var win = openPopup();
    if (!win) return;
    status("Asking our back end for the OAuth URL…");
    var consent = new URLSearchParams(location.search).get("consent");
    var query = "?platform=" + encodeURIComponent(flowPlatform) + "&reconnect=" + reconnect() +
      "&version=" + encodeURIComponent(record.version) +
      (consent ? "&consent=" + encodeURIComponent(consent) : "");
    fetch("/api/oauth-url" + query)
      .then(function (r) { return r.json(); })
      .then(function (body) {
        if (!body.url) {
          record.startError = body;
          var error = body.error || {};
          throw new Error(error.message ? body.status + " " + error.message : JSON.stringify(body));
        }
        status("Waiting for the popup…");
        win.location.href = body.url;
      })
      .catch(function (err) {
        clearInterval(poll); // we close the popup ourselves: not "closed without a message"
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
    win.location.href = config.mockUrl + "/social-media-posting/oauth/" + encodeURIComponent(flowPlatform) +
      "/start?" + params;
  });

  document.getElementById("list-accounts").addEventListener("click", function () {
    track(listAccounts()
      .then(function (list) { status(list.ok ? list.count + " account(s) listed." : list.text); })
      .catch(function (err) { status("List call failed: " + err); }));
  });

  record.version = versionFor(select.value);
  fetch("/api/config")
    .then(function (r) { return r.json(); })
    .then(function (c) {
      config = c;
      record.ready = true;
    });
})();
