// edge-digits demo page: draw a digit, photograph a number, look at the model.
// Plain script, no build step, no CDN. Every answer comes from the same HTTP API that
// other clients use (/v1/classify, /v1/read, /v1/postcode, /v1/model).
"use strict";

(function () {
  const $ = (id) => document.getElementById(id);
  const TOKEN_KEY = "edge-digits-token";
  const STROKE_WIDTH = 18;       // px on the 560x280 pad: MNIST-like strokes for digits ~200 px tall
  const DEBOUNCE_MS = 60;        // while drawing: ask again this long after the pen last moved
  const ACCEPTED = "#28aa28", REJECTED = "#dc1e1e", LABEL = "#1450c8", SELECTED = "#2463c7";
  const UNREAD = "#ff8c00";   // writing the reader could not read whole: a person should look

  // ---- the API -------------------------------------------------------------------------
  let token = sessionStorage.getItem(TOKEN_KEY) || "";
  function tokenFromHash() {
    // opened as PI:8080/#token=...: the fragment never reaches the server or its log
    const found = /(?:^#|&)token=([^&]+)/.exec(location.hash);
    if (!found) return false;
    token = decodeURIComponent(found[1]);
    sessionStorage.setItem(TOKEN_KEY, token);
    history.replaceState(null, "", location.pathname + location.search);
    return true;
  }
  tokenFromHash();
  window.addEventListener("hashchange", () => {
    if (tokenFromHash()) { $("token-form").hidden = true; start(); }
  });

  class ApiFailure extends Error {
    constructor(status, error) {
      super(error.message);
      this.status = status;
      this.code = error.code;
    }
  }

  async function api(method, path, body, contentType) {
    const headers = {};
    if (token) headers.Authorization = "Bearer " + token;
    if (contentType) headers["Content-Type"] = contentType;
    const response = await fetch(path, { method, headers, body });
    let data;
    try {
      data = await response.json();
    } catch (err) {
      data = { error: { code: "bad_response", message: response.status + " " + response.statusText } };
    }
    if (!response.ok) {
      if (response.status === 401) $("token-form").hidden = false;
      throw new ApiFailure(response.status, data.error || { code: "error", message: String(response.status) });
    }
    $("status").textContent = "";
    return data;
  }

  function showProblem(err) {
    $("status").textContent = err instanceof ApiFailure ? err.code + ": " + err.message : String(err);
  }

  $("token-form").addEventListener("submit", (event) => {
    event.preventDefault();
    token = $("token-input").value.trim();
    sessionStorage.setItem(TOKEN_KEY, token);
    $("token-form").hidden = true;
    $("status").textContent = "";
    start();
  });

  // ---- tabs ----------------------------------------------------------------------------
  const tabs = ["draw", "photo", "model"];
  function showTab(name) {
    for (const tab of tabs) {
      $("tab-" + tab).hidden = tab !== name;
      $("tab-button-" + tab).setAttribute("aria-selected", String(tab === name));
    }
    if (name !== "photo") stopCamera();
    if (name === "model") loadModel();
  }
  for (const tab of tabs) $("tab-button-" + tab).addEventListener("click", () => showTab(tab));

  // ---- the drawing pad -----------------------------------------------------------------
  const pad = $("pad"), overlay = $("pad-overlay");
  const context = pad.getContext("2d");
  const strokes = [];          // each: array of [x, y] in pad pixels
  let current = null, activePointer = null;
  let lastStrokeEnd = 0, debounce = 0, sequence = 0;
  // the last /v1/read of the pad; the digit the person chose for the bars (-1: the newest)
  // and the one shown there
  let reading = null, selected = -1, shownDigit = -1;
  let labels = null;

  function clearPad() {
    context.fillStyle = "#fff";
    context.fillRect(0, 0, pad.width, pad.height);
  }

  function drawStroke(points) {
    context.strokeStyle = "#000";
    context.fillStyle = "#000";
    context.lineWidth = STROKE_WIDTH;
    context.lineCap = "round";
    context.lineJoin = "round";
    if (points.length === 1) {
      context.beginPath();
      context.arc(points[0][0], points[0][1], STROKE_WIDTH / 2, 0, 2 * Math.PI);
      context.fill();
      return;
    }
    context.beginPath();
    context.moveTo(points[0][0], points[0][1]);
    for (const [x, y] of points.slice(1)) context.lineTo(x, y);
    context.stroke();
  }

  function redraw() {
    clearPad();
    for (const points of strokes) drawStroke(points);
  }

  function padPoint(event) {
    const rect = pad.getBoundingClientRect();
    return [(event.clientX - rect.left) * pad.width / rect.width,
            (event.clientY - rect.top) * pad.height / rect.height];
  }

  pad.addEventListener("pointerdown", (event) => {
    if (activePointer !== null || (event.pointerType === "mouse" && event.button !== 0)) return;
    event.preventDefault();
    activePointer = event.pointerId;
    selected = -1;              // the bars follow the newest writing
    pad.setPointerCapture(event.pointerId);
    current = [padPoint(event)];
    strokes.push(current);
    drawStroke(current);
  });

  pad.addEventListener("pointermove", (event) => {
    if (event.pointerId !== activePointer) return;
    event.preventDefault();
    const events = event.getCoalescedEvents ? event.getCoalescedEvents() : [];
    const from = current.length - 1;
    for (const each of (events.length ? events : [event])) current.push(padPoint(each));
    drawStroke(current.slice(from));
    clearTimeout(debounce);
    debounce = setTimeout(analyze, DEBOUNCE_MS);
  });

  function endStroke(event) {
    if (event.pointerId !== activePointer) return;
    activePointer = null;
    current = null;
    lastStrokeEnd = performance.now();
    clearTimeout(debounce);
    pad.dataset.strokes = String(strokes.length);   // for tests: which answer is the last one
    analyze();
  }
  pad.addEventListener("pointerup", endStroke);
  pad.addEventListener("pointercancel", endStroke);

  $("undo").addEventListener("click", () => {
    strokes.pop();
    pad.dataset.strokes = String(strokes.length);
    redraw();
    lastStrokeEnd = performance.now();
    analyze();
  });
  $("clear").addEventListener("click", () => {
    strokes.length = 0;
    pad.dataset.strokes = "0";
    redraw();
    analyze();
  });

  const threshold = $("threshold");
  threshold.addEventListener("input", () => {
    $("threshold-value").textContent = Number(threshold.value).toFixed(2);
    lastStrokeEnd = performance.now();
    analyze();
  });

  function canvasBlob(canvas, type, quality) {
    return new Promise((resolve) => canvas.toBlob(resolve, type, quality));
  }

  function padPng(canvas) {
    // toDataURL encodes at once; toBlob may wait for an idle moment (up to ~1 s measured
    // in Chromium while pointer events arrive), which the person drawing would see
    const url = canvas.toDataURL("image/png");
    const bytes = atob(url.slice(url.indexOf(",") + 1));
    const buffer = new Uint8Array(bytes.length);
    for (let i = 0; i < bytes.length; i++) buffer[i] = bytes.charCodeAt(i);
    return new Blob([buffer], { type: "image/png" });
  }

  async function classifyPad(box) {
    // the whole pad, or the digit in `box` (a crop of the pad with a margin)
    let source = pad;
    if (box) {
      // only the digit's own box (its ink, 2 px of anti-aliased edge around it) on white:
      // a neighbour that comes close must not leak into its crop
      const margin = STROKE_WIDTH, edge = 2;
      const [x, y, w, h] = [box[0] - edge, box[1] - edge, box[2] + 2 * edge, box[3] + 2 * edge];
      const crop = document.createElement("canvas");
      crop.width = w + 2 * margin;
      crop.height = h + 2 * margin;
      const cropContext = crop.getContext("2d");
      cropContext.fillStyle = "#fff";
      cropContext.fillRect(0, 0, crop.width, crop.height);
      cropContext.drawImage(pad, x, y, w, h, margin, margin, w, h);
      source = crop;
    }
    const blob = padPng(source);
    return api("POST", "/v1/classify?threshold=" + threshold.value, blob, "image/png");
  }

  async function analyze() {
    const mine = ++sequence;
    pad.dataset.asked = String(mine);
    if (!strokes.length) {
      reading = null;
      selected = shownDigit = -1;
      showEmpty();
      pad.dataset.answered = String(mine);
      return;
    }
    try {
      const blob = padPng(pad);
      const query = "?threshold=" + threshold.value;
      // the pad shows what the model reads of each digit drawn, unsure ones as '?'
      const [whole, read] = await Promise.all([
        api("POST", "/v1/classify" + query, blob, "image/png"),
        api("POST", "/v1/read" + query + "&partial=1", blob, "image/png"),
      ]);
      if (mine !== sequence) return;     // a newer drawing is on its way
      reading = read;
      const digits = readDigits(read);
      if (digits.length >= 2) {
        // the digit chosen, else the newest: a reading made while a stroke is drawn must not
        // keep the bars on what was the newest digit then
        shownDigit = selected >= 0 && selected < digits.length ? selected : digits.length - 1;
        const one = await classifyPad(digits[shownDigit].box);
        if (mine !== sequence) return;
        showSeveral(read, digits, one);
      } else {
        selected = shownDigit = -1;
        showOne(whole);
      }
      drawBoxes(digits);
      showDigitButtons(digits);
      const ms = performance.now() - lastStrokeEnd;
      $("draw-latency").textContent = "answered " + Math.round(ms) + " ms after the last stroke";
      pad.dataset.answerMs = String(Math.round(ms));
      pad.dataset.answered = String(mine);
    } catch (err) {
      if (mine === sequence) {
        showProblem(err);
        pad.dataset.answered = String(mine);
      }
    }
  }

  function readDigits(read) {
    const digits = [];
    for (const string of read.strings) for (const digit of string.digits) digits.push(digit);
    return digits;
  }

  function setDecision(state, main, detail, value) {
    const box = $("decision");
    box.dataset.state = state;
    box.dataset.value = value === null || value === undefined ? "" : String(value);
    $("decision-main").textContent = main;
    $("decision-detail").textContent = detail;
  }

  function showEmpty() {
    setDecision("empty", "draw a digit", "", null);
    showBars(null);
    $("normalized").src = "data:,";
    drawBoxes([]);
    showDigitButtons([]);
    $("draw-latency").textContent = "";
  }

  function describe(result) {
    const p = result.confidence.toFixed(2), t = result.threshold.toFixed(2);
    switch (result.decision) {
      case "digit": return ["digit", String(result.value), "probability " + p];
      case "not sure": return ["not sure", "not sure", "best guess " + result.best + " at " + p + ", below " + t];
      case "not a digit": return ["not a digit", "not a digit", "the model's 'none' class at " + p];
      default: return ["empty", "draw a digit", ""];
    }
  }

  function showOne(result) {
    const [state, main, detail] = describe(result);
    setDecision(state, main, detail, result.value);
    showBars(result);
    $("normalized").src = "data:image/png;base64," + result.normalized.png_base64;
  }

  function showSeveral(read, digits, one) {
    const [state, , detail] = describe(one);
    setDecision("string", read.text,
                digits.length + " digits read; bars: digit " + (shownDigit + 1) +
                " (" + (state === "digit" ? one.value : state) + ", " + detail + ")", read.text.replace(/ /g, ""));
    showBars(one);
    $("normalized").src = "data:image/png;base64," + one.normalized.png_base64;
  }

  function showBars(result) {
    const bars = $("bars");
    if (result && !labels) labels = result.labels;
    if (!labels) return;
    if (!bars.children.length) {
      for (const label of labels) {
        const row = document.createElement("div");
        row.className = "bar-row";
        row.dataset.label = label;
        row.innerHTML = '<span class="bar-label"></span><span class="bar"><span class="bar-fill"></span></span><span class="bar-value"></span>';
        row.querySelector(".bar-label").textContent = label;
        // three grid cells a row: unwrap the row's children into the grid
        bars.append(...row.children);
        for (const cell of Array.from(bars.children).slice(-3)) {
          cell.dataset.label = label;
          if (label === "none") cell.classList.add("bar-row-none");
        }
      }
    }
    for (let i = 0; i < labels.length; i++) {
      const p = result ? result.probabilities[i] : 0;
      const cells = bars.querySelectorAll('[data-label="' + labels[i] + '"]');
      const best = result && labels[i] === result.best;
      for (const cell of cells) {
        cell.classList.toggle("bar-row-best", Boolean(best));
        cell.classList.toggle("bar-row-below", Boolean(best && result.confidence < result.threshold));
      }
      bars.querySelector('.bar[data-label="' + labels[i] + '"] .bar-fill').style.width = (100 * p).toFixed(1) + "%";
      bars.querySelector('.bar-value[data-label="' + labels[i] + '"]').textContent = result ? p.toFixed(2) : "";
    }
  }

  function drawBoxes(digits) {
    const ctx = overlay.getContext("2d");
    ctx.clearRect(0, 0, overlay.width, overlay.height);
    if (digits.length < 2) return;
    ctx.lineWidth = 2;
    ctx.font = "bold 18px system-ui, sans-serif";
    digits.forEach((digit, index) => {
      const [x, y, w, h] = digit.box;
      ctx.strokeStyle = index === shownDigit ? SELECTED
        : (digit.value === null ? REJECTED : ACCEPTED);
      ctx.lineWidth = index === shownDigit ? 3 : 2;
      ctx.strokeRect(x - 4, y - 4, w + 8, h + 8);
      ctx.fillStyle = ctx.strokeStyle;
      ctx.fillText(digit.value === null ? "?" : String(digit.value), x, Math.min(overlay.height - 4, y + h + 22));
    });
  }

  function showDigitButtons(digits) {
    // several digits: one button each, to show that digit's probabilities in the bars
    const row = $("read-digits");
    row.textContent = "";
    row.hidden = digits.length < 2;
    if (digits.length < 2) return;
    digits.forEach((digit, index) => {
      const button = document.createElement("button");
      button.type = "button";
      button.textContent = digit.value === null ? "?" : String(digit.value);
      button.setAttribute("aria-pressed", String(index === shownDigit));
      button.addEventListener("click", () => { selected = index; lastStrokeEnd = performance.now(); analyze(); });
      row.append(button);
    });
  }

  // ---- photos: upload or camera -------------------------------------------------------
  const mode = $("photo-mode"), profile = $("profile");
  let stream = null;

  mode.addEventListener("change", () => { $("profile-label").hidden = mode.value !== "postcode"; });

  $("photo-file").addEventListener("change", async () => {
    const file = $("photo-file").files[0];
    if (!file) return;
    const form = new FormData();
    form.append("image", file, file.name);
    await readPhoto(file, form, null);
  });

  async function readPhoto(imageBlob, body, contentType) {
    $("photo-answer").textContent = "reading...";
    try {
      const started = performance.now();
      const path = mode.value === "postcode"
        ? "/v1/postcode?profile=" + encodeURIComponent(profile.value) : "/v1/read";
      const [result, image] = await Promise.all([api("POST", path, body, contentType), loadImage(imageBlob)]);
      const ms = performance.now() - started;
      drawPhoto(image, result);
      if (mode.value === "postcode") showPostcode(result, ms); else showReading(result, ms);
    } catch (err) {
      $("photo-answer").textContent = "";
      showProblem(err);
    }
  }

  function loadImage(blob) {
    return new Promise((resolve, reject) => {
      const image = new Image();
      image.onload = () => { URL.revokeObjectURL(image.src); resolve(image); };
      image.onerror = () => reject(new Error("the browser cannot show this image"));
      image.src = URL.createObjectURL(blob);
    });
  }

  function drawPhoto(image, result) {
    const canvas = $("photo-canvas");
    const [width, height] = result.frame_size;
    canvas.width = width;
    canvas.height = height;
    canvas.hidden = false;
    const ctx = canvas.getContext("2d");
    ctx.drawImage(image, 0, 0, width, height);
    const thickness = Math.max(2, Math.round(width / 400));
    const font = Math.max(14, Math.round(width / 40));
    ctx.lineWidth = thickness;
    ctx.font = "bold " + font + "px system-ui, sans-serif";
    const boxDigits = (digits, colourOf) => {
      for (const digit of digits) {
        const [x, y, w, h] = digit.box;
        ctx.strokeStyle = ctx.fillStyle = colourOf(digit);
        ctx.strokeRect(x, y, w, h);
        ctx.fillText((digit.value === null ? "?" : digit.value) + " " + digit.confidence.toFixed(2),
                     x, Math.min(height - 4, y + h + font));
      }
    };
    if (result.strings) {             // a reading
      for (const string of result.strings) {
        boxDigits(string.digits, (d) => (d.value === null ? REJECTED : ACCEPTED));
        const [x, y] = string.box;
        ctx.fillStyle = LABEL;
        ctx.fillText(string.text + "  " + string.confidence.toFixed(2), x, Math.max(font, y - 8));
      }
      for (const [x, y, w, h] of result.unread || []) {
        ctx.strokeStyle = ctx.fillStyle = UNREAD;
        ctx.strokeRect(x, y, w, h);
        ctx.fillText("unread", x, Math.min(height - 4, y + h + font));
      }
    } else {                          // a postcode
      const colour = result.accepted ? ACCEPTED : REJECTED;
      boxDigits(result.digits, () => colour);
      if (result.box) {
        const [x, y, w, h] = result.box;
        ctx.strokeStyle = ctx.fillStyle = colour;
        ctx.strokeRect(x - 4, y - 4, w + 8, h + 8);
        ctx.fillText(result.accepted ? result.text : "rejected", x, Math.max(font, y - 10));
      }
    }
  }

  function showReading(result, ms) {
    const answer = $("photo-answer");
    answer.textContent = "";
    const head = document.createElement("p");
    head.id = "photo-text";
    head.dataset.text = result.text;
    const unread = (result.unread || []).length;
    head.dataset.unread = String(unread);
    head.textContent = result.strings.length
      ? result.strings.length + " string(s) read in " + Math.round(ms) + " ms:"
      : unread
        ? "not read whole: " + unread + " box(es) a person should look at ("
          + Math.round(ms) + " ms)"
        : "no digits found (" + Math.round(ms) + " ms)";
    answer.append(head);
    const list = document.createElement("ol");
    list.id = "photo-strings";
    for (const string of result.strings) {
      const item = document.createElement("li");
      item.dataset.text = string.text;
      item.textContent = string.text + " (confidence " + string.confidence.toFixed(2) + ")";
      list.append(item);
    }
    answer.append(list);
  }

  function showPostcode(result, ms) {
    const answer = $("photo-answer");
    answer.textContent = "";
    const line = document.createElement("p");
    line.id = "photo-postcode";
    line.dataset.code = result.code || "";
    if (result.accepted) {
      const code = document.createElement("span");
      code.className = "code";
      code.textContent = result.text;
      line.append(code, " (" + result.profile + ", confidence " + result.confidence.toFixed(2) + ", " + Math.round(ms) + " ms)");
    } else {
      const why = document.createElement("span");
      why.className = "rejected";
      why.textContent = "rejected: " + result.reason;
      line.append(why, " " + result.detail + " (" + result.profile + "; a person should look)");
    }
    answer.append(line);
  }

  $("camera-start").addEventListener("click", async () => {
    try {
      stream = await navigator.mediaDevices.getUserMedia({
        video: { facingMode: "environment", width: { ideal: 1280 }, height: { ideal: 720 } }, audio: false });
    } catch (err) {
      $("camera-note").hidden = false;
      $("camera-note").textContent = "no camera: " + err.message;
      return;
    }
    const video = $("camera");
    video.srcObject = stream;
    video.hidden = false;
    await video.play();
    $("camera-shot").hidden = $("camera-stop").hidden = false;
  });

  $("camera-shot").addEventListener("click", async () => {
    const video = $("camera");
    if (!video.videoWidth) return;
    const frame = document.createElement("canvas");
    frame.width = video.videoWidth;
    frame.height = video.videoHeight;
    frame.getContext("2d").drawImage(video, 0, 0);
    const blob = await canvasBlob(frame, "image/jpeg", 0.92);
    await readPhoto(blob, blob, "image/jpeg");
  });

  function stopCamera() {
    if (stream) for (const track of stream.getTracks()) track.stop();
    stream = null;
    $("camera").hidden = $("camera-shot").hidden = $("camera-stop").hidden = true;
  }
  $("camera-stop").addEventListener("click", stopCamera);

  if (!(navigator.mediaDevices && navigator.mediaDevices.getUserMedia && window.isSecureContext)) {
    $("camera-start").disabled = true;
    $("camera-note").hidden = false;
    $("camera-note").textContent = "The live camera needs https or localhost; on a phone, " +
      "'Upload an image' offers the camera too.";
  }

  // ---- the model -----------------------------------------------------------------------
  function fill(list, entries) {
    list.textContent = "";
    for (const [name, value] of entries) {
      if (value === undefined || value === null) continue;
      const term = document.createElement("dt");
      term.textContent = name;
      const text = document.createElement("dd");
      text.textContent = value;
      list.append(term, text);
    }
  }

  function rows(table, lines) {
    const body = table.querySelector("tbody");
    body.textContent = "";
    for (const cells of lines) {
      const row = document.createElement("tr");
      for (const cell of cells) {
        const td = document.createElement("td");
        td.textContent = cell;
        row.append(td);
      }
      body.append(row);
    }
  }

  async function loadModel() {
    let info;
    try {
      info = await api("GET", "/v1/model");
    } catch (err) {
      showProblem(err);
      return null;
    }
    const m = info.manifest || {};
    const arch = m.architecture || {};
    const camera = m.camera_test_accuracy || {};
    const none = m.none_class || {};
    fill($("model-info"), [
      ["file", info.model], ["variant", m.variant], ["architecture", arch.name],
      ["parameters", arch.params], ["classes", info.labels.join(" ")],
      ["input", info.input.shape.join("x") + " " + info.input.dtype],
      ["training data", m.data ? m.data.source + " (sha256 " + m.data.sha256 + ")" : undefined],
      ["int8 accuracy", m.accuracy ? m.accuracy.int8 : undefined],
      ["camera-like digits", camera.int8],
      ["non-digits called 'none'", none.non_digits_called_none],
      ["sha256", m.sha256], ["size", m.size_bytes ? m.size_bytes + " bytes" : undefined],
      ["created", m.created], ["backend", info.backend],
      ["workers", info.workers + " (each with its own interpreter, " + info.threads + " thread)"],
      ["threshold", info.threshold], ["limits", info.max_body_bytes + " bytes, " + info.max_pixels + " pixels"],
    ]);
    rows($("model-variants"), Object.values(m.variants || {}).map((v) => [
      v.name, v.accuracy, v.agreement, v.size_bytes + " bytes"]));
    rows($("model-layers"), (arch.layers || []).map((l) => [
      l.name, l.type, (l.output_shape || []).slice(1).join("x"), l.params]));
    const start = info.latency.measured_at_start || {};
    fill($("model-latency"), [
      ["one digit classified", start.classify_one_digit_us !== undefined ? start.classify_one_digit_us + " \u00b5s" : undefined],
      ["one frame read", start.read_frame_ms !== undefined ? start.read_frame_ms + " ms (" + start.frame_size.join("x") + ")" : undefined],
      ["requests served", info.latency.requests.completed],
      ["median work per request", info.latency.requests.median_ms !== null ? info.latency.requests.median_ms + " ms" : undefined],
      ["this page's last drawing", $("pad").dataset.answerMs ? $("pad").dataset.answerMs + " ms round trip" : undefined],
    ]);
    return info;
  }

  // ---- start ---------------------------------------------------------------------------
  async function start() {
    clearPad();
    const info = await loadModel();
    if (!info) return;
    threshold.value = info.threshold;
    $("threshold-value").textContent = Number(info.threshold).toFixed(2);
    profile.textContent = "";
    for (const name of info.profiles) {
      const option = document.createElement("option");
      option.value = option.textContent = name;
      profile.append(option);
    }
    labels = info.labels;
    showEmpty();
    document.body.dataset.ready = "true";
  }
  start();
})();
