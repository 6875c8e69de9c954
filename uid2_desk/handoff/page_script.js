// The hand-off page's own script: gives the identity to whichever UID2 web client the page
// loaded (the UID2 SDK for JavaScript, or Prebid.js with the uid2 module), shows what the client
// reports and posts each report back to the desk. CONFIG is set by the page before this runs.
(function () {
  "use strict";
  const C = window.UID2_HANDOFF;
  const STORAGE_KEY = "__uid2_advertising_token"; // Prebid's uid2 module storage
  const seen = { token: null, kind: null };
  let cleared = false;
  let refreshing = false;

  function show(id, text) {
    const el = document.getElementById(id);
    if (el) el.textContent = text;
  }
  function report(kind, summary, token) {
    const line = document.createElement("li");
    line.textContent = new Date().toISOString().slice(11, 19) + "  " + summary;
    document.getElementById("reports").prepend(line);
    fetch(C.reportUrl, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ user: C.user, kind: kind, summary: summary, token: token || null }),
    }).catch(function () {});
  }
  function state(kind, token, summary) {
    if (seen.kind === kind && seen.token === token) return;
    seen.kind = kind;
    seen.token = token;
    show("state", kind);
    show("token", token || "(none)");
    report(kind, summary, token);
  }

  // -- The UID2 SDK for JavaScript: init with the identity; its callbacks report changes
  // (v3+: __uid2.callbacks events; older builds: the init callback with a state object).
  function startSdk(sdk) {
    show("client", "UID2 SDK for JavaScript");
    const onIdentity = function (token, status) {
      if (token) state("identity", token, "identity available (" + status + ")");
      else if (/optout/i.test(status) || (sdk.hasOptedOut && sdk.hasOptedOut()))
        state("optout", null, "the user opted out: identity cleared");
      else if (!cleared) state("no identity", null, "no identity (" + status + ")");
    };
    const options = { identity: C.identity, baseUrl: C.baseUrl };
    if (sdk.callbacks) {
      sdk.callbacks.push(function (eventType, payload) {
        if (eventType === "SdkLoaded") return;
        const identity = payload && payload.identity;
        onIdentity(identity ? identity.advertising_token : null, eventType);
      });
    } else {
      options.callback = function (s) {
        onIdentity(s.advertisingToken, String(s.statusText || s.status));
      };
    }
    sdk.init(options);
    window.handoffLogout = function () {
      cleared = true;
      sdk.disconnect();
      state("cleared", null, "disconnect(): the identity is cleared (logout)");
    };
  }

  // -- Prebid.js: userSync uid2 params; it has no refresh timer, so the page is the timer.
  function stored() {
    try { return JSON.parse(localStorage.getItem(STORAGE_KEY) || "null"); } catch (e) { return null; }
  }
  function startPrebid(pbjs) {
    show("client", "Prebid.js " + (pbjs.version || "") + " (uid2 module)");
    pbjs.que.push(function () {
      pbjs.setConfig({ userSync: { auctionDelay: 500, userIds: [{ name: "uid2",
        params: { uid2ApiBase: C.baseUrl, uid2Token: C.identity } }] } });
    });
    setInterval(function () {
      if (cleared) return;
      const s = stored();
      const latest = s && s.latestToken;
      if (latest === "optout") return state("optout", null, "the operator answered optout: identity cleared");
      if (latest && latest.advertising_token) {
        state("identity", latest.advertising_token, "identity available (refresh_from " + new Date(latest.refresh_from).toISOString().slice(11, 19) + ")");
        if (!refreshing && Date.now() >= latest.refresh_from && Date.now() < latest.refresh_expires) {
          refreshing = true; // Prebid's failure paths never settle: race them with a timeout
          Promise.race([pbjs.refreshUserIds({ submoduleNames: ["uid2"] }),
                        new Promise(function (r) { setTimeout(r, 5000); })])
            .then(function () { refreshing = false; });
        }
      }
    }, 250);
    window.handoffLogout = function () {
      cleared = true;
      localStorage.removeItem(STORAGE_KEY);
      state("cleared", null, "storage cleared: the identity is gone (logout)");
    };
  }

  function start() {
    if (window.pbjs && window.pbjs.que && (window.pbjs.setConfig || window.pbjs.version)) return startPrebid(window.pbjs);
    const sdk = window.__uid2 || window.__uid2Sdk;
    if (sdk && sdk.init) return startSdk(sdk);
    show("client", "none");
    report("error", "the web client script loaded no UID2 client (neither __uid2 nor pbjs)");
  }
  window.addEventListener("load", start);
  window.addEventListener("error", function (e) {
    if (e.target && e.target.tagName === "SCRIPT") report("error", "the web client script did not load: " + e.target.src);
  }, true);
})();
