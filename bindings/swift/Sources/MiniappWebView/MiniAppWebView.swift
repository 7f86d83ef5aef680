// WebView glue for iOS hosts (iOS 17+: WKWebsiteDataStore(forIdentifier:)). Copy it into the host
// app or depend on the `MiniappWebView` product of this package.
//
// One WKWebView per web mini-program:
//   - its own persistent data store (cookies, localStorage, IndexedDB, cache), keyed by app id;
//   - its pages served from the installed, verified files under the `miniapp://<app id>/` scheme,
//     with the runtime's Content-Security-Policy on every response;
//   - the bridge: a `WKScriptMessageHandlerWithReply` named `miniapp` (the channel the
//     `@miniapp/bridge` shim in web/bridge posts to), in the page content world; each request
//     goes to `Host.dispatchJson` and the response back to `window.__miniappBridge._receive`
//     (and as the message's reply);
//   - navigation outside the app's origin is refused (CSP does not cover navigation);
//   - lifecycle events (`sendEvent`): the screen shown or hidden, memory warnings, ... reach the
//     page's `bridge.on(name)` listeners as `{"event", "data"}` messages.
import CryptoKit
import Foundation
import Miniapp
import WebKit

/// The scheme the pages are served under; the origin of app `id` is `miniapp://id`.
public let miniAppScheme = "miniapp"

@available(iOS 17.0, macOS 14.0, *)
@MainActor
public final class MiniAppWebView: NSObject {
    public let webView: WKWebView
    private let host: Host
    private let appId: String
    private let app: WebApp

    /// A WebView for installed web mini-program `appId` (call `load()` to show its entry page).
    public static func open(host: Host, appId: String) async throws -> MiniAppWebView {
        MiniAppWebView(host: host, appId: appId, app: try await host.webApp(id: appId))
    }

    private init(host: Host, appId: String, app: WebApp) {
        self.host = host
        self.appId = appId
        self.app = app
        let config = WKWebViewConfiguration()
        // A stable UUID per app id: the same store every launch, a different one per app.
        config.websiteDataStore = WKWebsiteDataStore(forIdentifier: Self.storeId(appId))
        let files = FileSchemeHandler(root: URL(fileURLWithPath: app.filesDir), appId: appId,
                                      csp: app.contentSecurityPolicy)
        config.setURLSchemeHandler(files, forURLScheme: miniAppScheme)
        config.preferences.javaScriptCanOpenWindowsAutomatically = false
        webView = WKWebView(frame: .zero, configuration: config)
        super.init()
        config.userContentController.addScriptMessageHandler(
            self, contentWorld: .page, name: "miniapp")
        webView.navigationDelegate = self
    }

    public func load() {
        webView.load(URLRequest(url: URL(string: "\(miniAppScheme)://\(appId)/\(app.entryPoint)")!))
    }

    /// Sends a lifecycle event to the page (`{"event": ..., "data": ...}`, web/PROTOCOL.md) for its
    /// `bridge.on(name)` listeners: `.show` once the page has loaded and when the screen comes
    /// back, `.hide` when it leaves, `.memoryWarning` on `didReceiveMemoryWarning` (after
    /// `Host.memoryWarning`).
    public func sendEvent(_ event: LifecycleEvent) async {
        _ = try? await webView.callAsyncJavaScript(
            "window.__miniappBridge && window.__miniappBridge._receive(m)",
            arguments: ["m": lifecycleEventMessage(event: event)], in: nil, contentWorld: .page)
    }

    static func storeId(_ appId: String) -> UUID {
        let d = Array(SHA256.hash(data: Data(("miniapp-" + appId).utf8)))
        return UUID(uuid: (d[0], d[1], d[2], d[3], d[4], d[5], d[6], d[7],
                           d[8], d[9], d[10], d[11], d[12], d[13], d[14], d[15]))
    }

    fileprivate func isAppOrigin(_ url: URL?) -> Bool {
        url?.scheme == miniAppScheme && url?.host == appId
    }
}

@available(iOS 17.0, macOS 14.0, *)
extension MiniAppWebView: WKScriptMessageHandlerWithReply {
    public func userContentController(
        _ controller: WKUserContentController, didReceive message: WKScriptMessage
    ) async -> (Any?, String?) {
        // Only the app's own frames may talk to its bridge.
        let origin = message.frameInfo.securityOrigin
        guard origin.protocol == miniAppScheme, origin.host == appId,
              let request = message.body as? String
        else { return (nil, "refused: not the mini-program's origin") }
        let response: String
        do {
            // Suspends while a payment sheet or dialog waits for the user; the main actor does not block.
            response = try await host.dispatchJson(appId: appId, requestJson: request)
        } catch let MiniappError.Failed(code, reason) {
            let id = (try? JSONSerialization.jsonObject(with: Data(request.utf8)) as? [String: Any])?["id"]
            let body: [String: Any] = ["id": id ?? NSNull(), "error": ["code": code, "message": reason]]
            response = String(data: try! JSONSerialization.data(withJSONObject: body), encoding: .utf8)!
        } catch {
            return (nil, "\(error)")
        }
        // The shim listens on `_receive`; the reply also resolves the raw postMessage promise.
        _ = try? await webView.callAsyncJavaScript(
            "window.__miniappBridge && window.__miniappBridge._receive(r)",
            arguments: ["r": response], in: message.frameInfo, contentWorld: .page)
        return (response, nil)
    }
}

@available(iOS 17.0, macOS 14.0, *)
extension MiniAppWebView: WKNavigationDelegate {
    public func webView(
        _ webView: WKWebView, decidePolicyFor action: WKNavigationAction
    ) async -> WKNavigationActionPolicy {
        // Every navigation, top-level or frame: the app's own origin only.
        isAppOrigin(action.request.url) ? .allow : .cancel
    }
}

/// Serves the app's installed files, with the runtime's CSP, and nothing outside its dir.
@available(iOS 17.0, macOS 14.0, *)
final class FileSchemeHandler: NSObject, WKURLSchemeHandler {
    let root: URL
    let appId: String
    let csp: String

    init(root: URL, appId: String, csp: String) {
        self.root = root.standardizedFileURL
        self.appId = appId
        self.csp = csp
    }

    func webView(_ webView: WKWebView, start task: WKURLSchemeTask) {
        guard let url = task.request.url, url.host == appId else {
            return task.didFailWithError(URLError(.badURL))
        }
        let file = root.appendingPathComponent(url.path).standardizedFileURL
        guard file.path.hasPrefix(root.path + "/"), let data = try? Data(contentsOf: file) else {
            return task.didFailWithError(URLError(.fileDoesNotExist))
        }
        let headers = ["Content-Type": Self.mimeType(file.pathExtension),
                       "Content-Security-Policy": csp]
        task.didReceive(HTTPURLResponse(url: url, statusCode: 200, httpVersion: "HTTP/1.1",
                                        headerFields: headers)!)
        task.didReceive(data)
        task.didFinish()
    }

    func webView(_ webView: WKWebView, stop task: WKURLSchemeTask) {}

    static func mimeType(_ ext: String) -> String {
        switch ext.lowercased() {
        case "html", "htm": return "text/html; charset=utf-8"
        case "js", "mjs": return "text/javascript; charset=utf-8"
        case "css": return "text/css; charset=utf-8"
        case "json": return "application/json"
        case "svg": return "image/svg+xml"
        case "png": return "image/png"
        case "jpg", "jpeg": return "image/jpeg"
        case "woff2": return "font/woff2"
        default: return "application/octet-stream"
        }
    }
}
