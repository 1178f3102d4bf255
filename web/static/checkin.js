// Live check-in: the projector refreshes its code and count; the kiosk
// queues scans in localStorage while offline and sends them with their
// original times when the connection returns. Both pages work without it
// (the kiosk form posts one scan at a time).
(function () {
  'use strict';

  var projector = document.getElementById('projector');
  if (projector) {
    var code = document.getElementById('projector-code');
    var qr = document.getElementById('projector-qr');
    var count = document.getElementById('projector-count');
    var lastStep = null;
    var poll = function () {
      fetch(projector.getAttribute('data-live'), { credentials: 'same-origin', cache: 'no-store' })
        .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); })
        .then(function (live) {
          code.textContent = live.code;
          count.textContent = live.count;
          if (live.step !== lastStep) { qr.src = live.qr; lastStep = live.step; }
          var wait = Math.max(500, Math.min(3000, new Date(live.expires_at) - Date.now() + 100));
          setTimeout(poll, wait);
        })
        .catch(function () { setTimeout(poll, 3000); });
    };
    poll();
  }

  var kiosk = document.getElementById('kiosk');
  if (!kiosk) { return; }
  var form = document.getElementById('kiosk-form');
  var input = document.getElementById('badge');
  var status = document.getElementById('kiosk-status');
  var countEl = document.getElementById('kiosk-count');
  var api = kiosk.getAttribute('data-api');
  var storeKey = 'meded.kiosk.' + kiosk.getAttribute('data-session');
  var sending = false;

  var load = function () {
    try { return JSON.parse(localStorage.getItem(storeKey) || '[]'); } catch (e) { return []; }
  };
  var save = function (q) { localStorage.setItem(storeKey, JSON.stringify(q)); };
  var action = function () {
    var checked = form.querySelector('input[name=action]:checked');
    return checked ? checked.value : 'in';
  };

  var flush = function () {
    var queue = load();
    if (sending || queue.length === 0) { return; }
    sending = true;
    var batch = queue.slice(0, 500);
    fetch(api, {
      method: 'POST', credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ scans: batch })
    }).then(function (r) {
      if (!r.ok) { throw new Error(r.status); }
      return r.json();
    }).then(function (answer) {
      save(load().slice(batch.length));
      var last = answer.results[answer.results.length - 1];
      status.textContent = kiosk.getAttribute('data-msg-sent') + ' ' + batch.length + ' · ' + (last ? last.message : '');
      countEl.textContent = answer.count;
      sending = false;
      if (load().length > 0) { flush(); }
    }).catch(function () {
      sending = false;
      status.textContent = kiosk.getAttribute('data-msg-queued') + ' ' + load().length;
    });
  };

  var enqueue = function (badge) {
    badge = badge.trim();
    if (!badge) { return; }
    var queue = load();
    queue.push({ badge: badge, scanned_at: new Date().toISOString(), action: action() });
    save(queue);
    flush();
  };

  form.addEventListener('submit', function (e) {
    e.preventDefault();
    enqueue(input.value);
    input.value = '';
    input.focus();
  });
  window.addEventListener('online', flush);
  setInterval(flush, 5000);
  flush();

  // Camera scanning where the browser can decode QR codes itself (needs HTTPS).
  var cameraButton = document.getElementById('kiosk-camera');
  var video = document.getElementById('kiosk-video');
  if ('BarcodeDetector' in window && navigator.mediaDevices && window.isSecureContext) {
    cameraButton.hidden = false;
    cameraButton.addEventListener('click', function () {
      var detector = new window.BarcodeDetector({ formats: ['qr_code'] });
      var last = '', lastAt = 0;
      navigator.mediaDevices.getUserMedia({ video: { facingMode: 'environment' } }).then(function (stream) {
        video.srcObject = stream;
        video.hidden = false;
        cameraButton.hidden = true;
        return video.play();
      }).then(function () {
        var scan = function () {
          detector.detect(video).then(function (codes) {
            codes.forEach(function (c) {
              var now = Date.now();
              if (c.rawValue !== last || now - lastAt > 5000) {
                last = c.rawValue; lastAt = now;
                enqueue(c.rawValue);
              }
            });
          }).catch(function () {}).then(function () { setTimeout(scan, 300); });
        };
        scan();
      }).catch(function () {
        status.textContent = kiosk.getAttribute('data-msg-offline');
      });
    });
  }
})();
