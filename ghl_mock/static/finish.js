// ghl-mock finish page: post the OAuth result to window.opener, as HighLevel's finish page does.
// The message arrives as JSON in #ghl-mock-message; nothing on this page is built from strings.
(function () {
  "use strict";
  var message = JSON.parse(document.getElementById("ghl-mock-message").textContent);
  var status = document.getElementById("status");
  var opener = null;
  try {
    opener = window.opener;
  } catch (e) {
    opener = null;
  }
  if (message.post === false) {
    status.textContent =
      "ghl-mock scenario: this popup never posts its message. Close it; your app should notice.";
    document.body.setAttribute("data-ghl-mock-posted", "never");
    return;
  }
  if (!opener || opener.closed) {
    status.className = "lead error";
    status.textContent =
      "Nothing was posted: this window has no window.opener. That happens when the popup was " +
      "blocked and the URL opened in a tab, when it was opened with 'noopener', or when the " +
      "opener navigated away or closed. Open the start URL with window.open() from your app " +
      "to receive this message.";
    document.body.setAttribute("data-ghl-mock-posted", "false");
    return;
  }
  opener.postMessage(message.payload, message.targetOrigin);
  document.body.setAttribute("data-ghl-mock-posted", "true");
  status.textContent = "Posted to window.opener. This window closes now.";
  window.close();
})();
