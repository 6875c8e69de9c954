// Builds prebid-uid2.js (defines window.pbjs) from src/entry.js for tests/web.
// prebid.js >= 10 ships precompiled ES modules (dist/src), so no babel-loader is needed.
// The output directory comes from PREBID_OUT_DIR (the test fixture's cache), else ./dist.
const path = require('path');

module.exports = {
  mode: 'production',
  entry: './src/entry.js',
  output: {
    path: process.env.PREBID_OUT_DIR || path.resolve(__dirname, 'dist'),
    filename: 'prebid-uid2.js',
    clean: true,
  },
  module: {
    rules: [
      {
        // With `debug: true` Prebid lazy-loads `<distUrlBase>devtoolsMcp-standalone.js`, by
        // default from a public CDN: point it at the page's own origin so nothing leaves.
        loader: 'prebid.js/customize/webpackLoader',
        options: { distUrlBase: '/prebid-chunks/' },
      },
    ],
  },
  optimization: { splitChunks: false },
  devtool: false,
  performance: { hints: false },
};
