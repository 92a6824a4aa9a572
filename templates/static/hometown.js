// The hometown picker, better with JavaScript: choosing a township fills its villages at once
// (without JavaScript the 选村 button does it in a second step, on the server).
(function () {
  var town = document.getElementById('f-hometown_township');
  var village = document.getElementById('f-hometown_code');
  var step = document.getElementById('hometown-step');
  if (!town || !village || typeof HOMETOWN_VILLAGES !== 'object') return;
  if (step) step.hidden = true;
  town.addEventListener('change', function () {
    while (village.options.length) village.remove(0);
    var list = HOMETOWN_VILLAGES[town.value];
    var first = document.createElement('option');
    first.value = '';
    first.textContent = list ? '请选择村（社区）' : '请先选乡镇';
    village.appendChild(first);
    (list || []).forEach(function (v) {
      var o = document.createElement('option');
      o.value = v[0];
      o.textContent = v[1];
      village.appendChild(o);
    });
  });
})();
