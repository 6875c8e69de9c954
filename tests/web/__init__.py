"""Browser tests: a real third-party client (Prebid.js, headless Chromium) against the operator."""
