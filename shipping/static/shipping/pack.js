// The pack page: a barcode scanner types the product's code (商家编码) and Enter into the scan field; each scan
// counts one unit of the matching line and ticks it once all its units are scanned. Ticking by hand works too.
(function () {
  "use strict";
  var scan = document.querySelector("[data-scan]");
  if (!scan) { return; }
  var say = document.querySelector("[data-scan-result]");
  scan.addEventListener("keydown", function (event) {
    if (event.key !== "Enter") { return; }
    event.preventDefault();
    var code = scan.value.trim().toUpperCase();
    scan.value = "";
    if (!code) { return; }
    var boxes = document.querySelectorAll("[data-line]");
    var found = null;
    for (var i = 0; i < boxes.length; i++) {
      var codes = (boxes[i].dataset.codes || "").toUpperCase().split(" ");
      if (codes.indexOf(code) !== -1 && !boxes[i].checked) { found = boxes[i]; break; }
      if (codes.indexOf(code) !== -1 && !found) { found = boxes[i]; }
    }
    if (!found) {
      say.textContent = scan.dataset.unknown.replace("{code}", code);
      say.className = "small text-danger";
      return;
    }
    var scanned = (parseInt(found.dataset.scanned || "0", 10) || 0) + 1;
    var wanted = parseInt(found.dataset.quantity, 10) || 1;
    found.dataset.scanned = String(Math.min(scanned, wanted));
    var counter = document.getElementById(found.id + "-scanned");
    if (counter) { counter.textContent = found.dataset.scanned + "/" + wanted; }
    if (scanned >= wanted) { found.checked = true; }
    say.textContent = scan.dataset.ok.replace("{code}", code);
    say.className = "small text-success";
  });
}());
