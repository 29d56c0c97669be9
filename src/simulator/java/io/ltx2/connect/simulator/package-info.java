/**
 * A local stand-in for the APIXO API of LTX-2 19B ({@link io.ltx2.connect.simulator.ApiSimulator}),
 * faithful to {@code api-contract.md}: the two endpoints with the {@code {code, message, data}}
 * envelope, Bearer auth, input validation, tasks that move from {@code pending} to
 * {@code processing} to {@code success} or {@code failed} over time, the rate and concurrency
 * limits, webhooks, and fault injection. Not part of the plugin: it lives in {@code src/simulator/java}
 * and is packaged as a runnable jar of its own ({@link io.ltx2.connect.simulator.SimulatorMain}).
 *
 * <h2>Behaviour</h2>
 * <ul>
 *   <li>{@code POST /api/v1/generateTask/{model}} and {@code GET /api/v1/statusTask/{model}?taskId=}.
 *       A model other than the configured one (default {@code ltx-2-19b}) gets <b>404</b>; any other
 *       path 404; a wrong method 405.</li>
 *   <li>Every error answer: {@code message} a short text, the detail in {@code data.error}, as the vendor's
 *       error pages show it; with the fault {@code errorsAsHttp200} sent as HTTP 200, the status only in
 *       the envelope's {@code code}.</li>
 *   <li>No or unknown Bearer key: 401. A key configured as forbidden: 403 ("API key lacks permission").
 *       Checked before anything else.</li>
 *   <li>A prompt containing {@value io.ltx2.connect.simulator.ApiSimulator#FORBIDDEN_CONTENT_MARKER}: 403
 *       "content violates the usage policy", {@code data.errorCode} {@code SensitiveContentDetected}.</li>
 *   <li>Balance in seconds of video (unlimited by default): an accepted create takes its duration; a create
 *       longer than what is left gets 402. {@code GET /api/v1/apikeys/current-balance} answers it in USD.</li>
 *   <li>Invalid create bodies: 400, the message naming every bad field ({@code input.duration: ...}).
 *       The API's own defaults apply: {@code async}, {@code auto}, text-to-video, 720p, 10 s, 16:9
 *       (text modes). {@code callback_url} is required for {@code callback} and may be any http(s) URL
 *       (the real API wants public HTTPS). Status without {@code taskId}: 400; unknown task: 404.</li>
 *   <li>Timeline: pending 1-3 s, then processing 40-60 s (480p), 60-90 s (720p), 90-120 s (1080p),
 *       longer for longer videos, +10-20 s for LoRA modes, all times the time scale and deterministic
 *       for a seed and payload. A fixed generation time overrides this.</li>
 *   <li>Fail codes, after 3-8 s (scaled) of processing: a prompt containing
 *       {@code #fail:<CODE>} gives that code with the vendor's message ({@code #fail:<CODE>:<N>}: only the
 *       first N tasks of that exact payload), one containing
 *       {@value io.ltx2.connect.simulator.ApiSimulator#VIOLATION_MARKER} gives {@code CONTENT_VIOLATION};
 *       an image URL containing {@value io.ltx2.connect.simulator.ApiSimulator#INVALID_IMAGE_MARKER} gives
 *       {@code INVALID_IMAGE_URL}; a LoRA path containing
 *       {@value io.ltx2.connect.simulator.ApiSimulator#INVALID_LORA_MARKER} gives {@code INVALID_LORA_URL}
 *       (checked in that order).</li>
 *   <li>Server-side refusal: a prompt containing {@value io.ltx2.connect.simulator.ApiSimulator#BAD_REQUEST_MARKER}
 *       is answered with 400 ({@code input.prompt: refused by the API's own checks}) although it is valid
 *       by the contract.</li>
 *   <li>Limits per key, switchable off: calls in a sliding window (10,000 per 60 s) and tasks pending
 *       or processing (1,000). Exceeding either gives 429 with {@code Retry-After} in whole seconds:
 *       until the oldest call leaves the window, or until the first active task completes.</li>
 *   <li>Callbacks: see {@code CallbackSender}.</li>
 *   <li>Faults: see {@link io.ltx2.connect.simulator.Faults}; changeable at run time.</li>
 *   <li>Admin endpoints, no key needed: {@code GET /_sim/stats}, {@code GET|POST /_sim/faults}
 *       (the posted fields are merged into the current faults), {@code GET|POST /_sim/balance},
 *       {@code POST /_sim/reset}.</li>
 *   <li>HTTP by default; HTTPS with a given {@code SSLContext} ({@code tls}, optionally requiring a
 *       client certificate), for tests of the connectors' {@code ltx.api.ssl.*} settings.</li>
 * </ul>
 *
 * <p>Order of checks for an API call: route, method, outage, auth, 429 storm, rate limit, hang fault,
 * error fault, model, then the endpoint's own work (validation, content refusal, balance,
 * concurrency limit, lost-response fault for creates; lookup and malformed-answer fault for status). The latency fault delays
 * every answer of its endpoint after the route is known (hangs excepted).
 */
package io.ltx2.connect.simulator;
