// WebView glue for Android hosts: copy this file into the host app (package it as you like).
// Needs androidx.webkit (WebViewCompat, WebViewAssetLoader) and kotlinx-coroutines, plus the
// generated `dev.miniapp` bindings of miniapp-ffi.
//
// One WebView per web mini-program:
//   - its own profile (WebView 1.9+ multi-profile: cookies, localStorage, IndexedDB, cache), or,
//     where profiles are missing, its own process-wide data-directory suffix (a separate
//     process per mini-program: call `WebView.setDataDirectorySuffix` before any WebView exists);
//   - its pages served from the installed, verified files at https://<app id>.miniapp.local/,
//     with the runtime's Content-Security-Policy on every response;
//   - the bridge: `WebViewCompat.addWebMessageListener` injects `MiniAppNative` (the channel the
//     `@miniapp/bridge` shim in web/bridge posts to) into frames of the app's origin only; each
//     request goes to `Host.dispatchJson` and the response back to `window.__miniappBridge`;
//   - navigation outside the app's origin is refused (CSP does not cover navigation);
//   - lifecycle events (`sendEvent`): the host's screen shown or hidden, memory warnings, ... reach
//     the page's `bridge.on(name)` listeners as `{"event", "data"}` messages.
package dev.miniapp.webview

import android.annotation.SuppressLint
import android.content.Context
import android.net.Uri
import android.webkit.WebResourceRequest
import android.webkit.WebResourceResponse
import android.webkit.WebView
import android.webkit.WebViewClient
import androidx.webkit.JavaScriptReplyProxy
import androidx.webkit.ProfileStore
import androidx.webkit.WebMessageCompat
import androidx.webkit.WebViewAssetLoader
import androidx.webkit.WebViewCompat
import androidx.webkit.WebViewFeature
import dev.miniapp.Host
import dev.miniapp.LifecycleEvent
import dev.miniapp.MiniappException
import dev.miniapp.WebApp
import dev.miniapp.lifecycleEventMessage
import java.io.File
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.SupervisorJob
import kotlinx.coroutines.cancel
import kotlinx.coroutines.launch
import org.json.JSONObject

/** The origin a mini-program's pages live on. One origin per app: storage never mixes. */
fun miniAppOrigin(appId: String): String = "https://$appId.miniapp.local"

class MiniAppWebView private constructor(
    context: Context,
    private val host: Host,
    private val appId: String,
    private val app: WebApp,
) {
    companion object {
        /** A WebView for installed web mini-program [appId]; call [load] to show its entry page. */
        suspend fun create(context: Context, host: Host, appId: String): MiniAppWebView =
            MiniAppWebView(context, host, appId, host.webApp(appId))
    }

    private val origin = miniAppOrigin(appId)
    private val scope = CoroutineScope(SupervisorJob() + Dispatchers.Main.immediate)
    val webView: WebView = WebView(context)

    init {
        if (WebViewFeature.isFeatureSupported(WebViewFeature.MULTI_PROFILE)) {
            // Cookies, web storage and caches of this app only.
            val profile = ProfileStore.getInstance().getOrCreateProfile("miniapp-$appId")
            WebViewCompat.setProfile(webView, profile.name)
        }
        configure()
    }

    @SuppressLint("SetJavaScriptEnabled")
    private fun configure() {
        webView.settings.apply {
            javaScriptEnabled = true
            domStorageEnabled = true
            allowFileAccess = false
            allowContentAccess = false
            setSupportMultipleWindows(false)
        }
        val files = File(app.filesDir)
        val loader = WebViewAssetLoader.Builder()
            .setDomain(Uri.parse(origin).host!!)
            .addPathHandler("/", WebViewAssetLoader.InternalStoragePathHandler(webView.context, files))
            .build()
        webView.webViewClient = object : WebViewClient() {
            override fun shouldInterceptRequest(view: WebView, request: WebResourceRequest): WebResourceResponse? {
                if (!sameOrigin(request.url)) return null // the CSP decides what may load
                val response = loader.shouldInterceptRequest(request.url) ?: return null
                response.responseHeaders = (response.responseHeaders ?: emptyMap()) +
                    mapOf("Content-Security-Policy" to app.contentSecurityPolicy)
                return response
            }

            // Top-level and frame navigations: only the app's own origin.
            override fun shouldOverrideUrlLoading(view: WebView, request: WebResourceRequest): Boolean =
                !sameOrigin(request.url)
        }
        require(WebViewFeature.isFeatureSupported(WebViewFeature.WEB_MESSAGE_LISTENER)) {
            "this WebView is too old for WebViewCompat.addWebMessageListener"
        }
        // `MiniAppNative` exists only in frames whose origin is the app's.
        WebViewCompat.addWebMessageListener(webView, "MiniAppNative", setOf(origin), ::onBridgeMessage)
        if (WebViewFeature.isFeatureSupported(WebViewFeature.DOCUMENT_START_SCRIPT)) {
            // Replies arrive as `MiniAppNative.onmessage`; the shim takes them in `_receive`.
            WebViewCompat.addDocumentStartJavaScript(
                webView,
                "MiniAppNative.onmessage = (e) => window.__miniappBridge && window.__miniappBridge._receive(e.data);",
                setOf(origin),
            )
        }
    }

    private fun sameOrigin(url: Uri): Boolean =
        url.scheme == "https" && url.host == Uri.parse(origin).host && (url.port == -1 || url.port == 443)

    private fun onBridgeMessage(
        view: WebView,
        message: WebMessageCompat,
        sourceOrigin: Uri,
        isMainFrame: Boolean,
        reply: JavaScriptReplyProxy,
    ) {
        if (!sameOrigin(sourceOrigin)) return // addWebMessageListener already filters; be sure
        val request = message.data ?: return
        scope.launch {
            // Payment sheets and dialogs wait for the user: dispatchJson suspends, the UI thread does not.
            val response = try {
                host.dispatchJson(appId, request)
            } catch (e: MiniappException) {
                errorResponse(request, e)
            }
            reply.postMessage(response)
        }
    }

    /** The JSON-bridge error shape, for a failure outside any one method (e.g. app uninstalled). */
    private fun errorResponse(request: String, e: MiniappException): String {
        val id = runCatching { JSONObject(request).opt("id") }.getOrNull()
        val (code, message) = when (e) {
            is MiniappException.Failed -> e.code to e.reason
        }
        return JSONObject()
            .put("id", id ?: JSONObject.NULL)
            .put("error", JSONObject().put("code", code).put("message", message))
            .toString()
    }

    fun load() = webView.loadUrl("$origin/${app.entryPoint}")

    /**
     * Sends a lifecycle event to the page (`{"event": ..., "data": ...}`, web/PROTOCOL.md) for its
     * `bridge.on(name)` listeners. Call it on the main thread: `Show` once the page has loaded
     * (onPageFinished) and when the screen comes back, `Hide` when it leaves, `MemoryWarning` from
     * `onTrimMemory` (after `Host.memoryWarning`).
     */
    fun sendEvent(event: LifecycleEvent) {
        val message = JSONObject.quote(lifecycleEventMessage(event))
        webView.evaluateJavascript("window.__miniappBridge && window.__miniappBridge._receive($message);", null)
    }

    fun destroy() {
        scope.cancel()
        webView.destroy()
    }
}
