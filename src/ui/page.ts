// The one HTML page every view of the app is served as: no inline script or style (the CSP forbids both), the
// bundle from /assets/. The theme follows the system until the person picks one (stored in localStorage).

/** indexHtml is the app's page. */
export function indexHtml(): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<title>fluxts</title>
<link rel="stylesheet" href="/assets/app.css">
<script type="module" src="/assets/app.js"></script>
</head>
<body>
<noscript>The fluxts UI needs JavaScript.</noscript>
<div id="app"></div>
</body>
</html>
`;
}
