// Minimal Prebid.js bundle: core + User ID module + UID2 ID submodule.
// prebid.js >= 10 ships precompiled ES modules under dist/src, so no babel is needed.
import pbjs from 'prebid.js';
import 'prebid.js/modules/userId';
import 'prebid.js/modules/uid2IdSystem';

pbjs.processQueue(); // run anything already pushed to pbjs.que, and make later pushes run at once
