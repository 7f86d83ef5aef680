// The host flow from Kotlin on the desktop JVM: the generated bindings through JNA, services
// written in Kotlin, coroutines for the async calls. Run through ffi/test.sh.
package dev.miniapp

import java.io.File
import java.nio.file.Files
import kotlinx.coroutines.CompletableDeferred
import kotlinx.coroutines.delay
import kotlinx.coroutines.runBlocking
import kotlinx.coroutines.withTimeout
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows

private val fixtures = File(System.getenv("MINIAPP_FIXTURES") ?: error("run through ffi/test.sh"))
private const val HOST_VERSION = "1.4.0"
private const val PROBE = "com.acme.probe"

private fun bytes(name: String) = File(fixtures, name).readBytes()
private val rootPem by lazy { File(fixtures, "root.pub.pem").readText() }
private fun newHome() = Files.createTempDirectory("miniapp-kt").resolve("home").toString()

private fun script(vararg calls: Pair<String, String>): String =
    calls.joinToString(",", "{\"calls\":[", "]}") { (m, p) -> "{\"method\":\"$m\",\"params\":$p}" }

private fun code(e: MiniappException): String = when (e) {
    is MiniappException.Failed -> e.code
}

class Consent(private val declined: Set<String> = emptySet()) : ConsentPrompt {
    val prompts = mutableListOf<String>()
    override suspend fun ask(appId: String, permission: String): Boolean {
        synchronized(prompts) { prompts += permission }
        return permission !in declined
    }
}

class Payments : PaymentService {
    val orders = mutableListOf<Pair<String, PaymentRequest>>()
    override suspend fun pay(appId: String, request: PaymentRequest): Receipt {
        delay(1) // a real sheet waits for the user here
        val n = synchronized(orders) { orders += appId to request; orders.size }
        return Receipt(request.orderId, "kt-tx-$n", request.amountMinor, request.currency, 1_700_000_000uL)
    }
    override suspend fun query(appId: String, orderId: String): Receipt? = null
}

class BrokenPayments : PaymentService {
    override suspend fun pay(appId: String, request: PaymentRequest): Receipt =
        throw IllegalStateException("payment backend exploded")
    override suspend fun query(appId: String, orderId: String): Receipt? =
        throw IllegalStateException("payment backend exploded")
}

class SilentPayments : PaymentService {
    override suspend fun pay(appId: String, request: PaymentRequest): Receipt =
        CompletableDeferred<Receipt>().await()
    override suspend fun query(appId: String, orderId: String): Receipt? =
        CompletableDeferred<Receipt?>().await()
}

/** A keystore in a map, one namespace per app (a host would use the Android Keystore). */
class Keystore : KeystoreService {
    val entries = mutableMapOf<String, MutableMap<String, String>>()
    override suspend fun set(appId: String, key: String, value: String) {
        synchronized(entries) { entries.getOrPut(appId) { mutableMapOf() }[key] = value }
    }
    override suspend fun get(appId: String, key: String): String? =
        synchronized(entries) { entries[appId]?.get(key) }
    override suspend fun remove(appId: String, key: String): Boolean =
        synchronized(entries) { entries[appId]?.remove(key) != null }
    override suspend fun count(appId: String): UInt =
        synchronized(entries) { (entries[appId]?.size ?: 0).toUInt() }
}

/** A keystore that fails: locked, or a bug in the host's code. */
class LockedKeystore : KeystoreService {
    override suspend fun set(appId: String, key: String, value: String) =
        throw ServiceException.Unavailable("the device is locked")
    override suspend fun get(appId: String, key: String): String? =
        throw IllegalStateException("keystore corrupted")
    override suspend fun remove(appId: String, key: String): Boolean =
        throw ServiceException.Unavailable("the device is locked")
    override suspend fun count(appId: String): UInt =
        throw ServiceException.Unavailable("the device is locked")
}

/** Answers prompts in order (false: the user cancels), recognised once the answers run out. */
class Biometrics(vararg answers: Boolean) : BiometricService {
    private val answers = ArrayDeque(answers.toList())
    val prompts = mutableListOf<String>()
    override suspend fun authenticate(appId: String, reason: String) {
        val recognised = synchronized(prompts) {
            prompts += reason
            answers.removeFirstOrNull() ?: true
        }
        if (!recognised) throw ServiceException.Cancelled()
    }
}

class Haptics(private val engine: Boolean = true) : HapticsService {
    val played = mutableListOf<String>()
    private fun play(effect: String) {
        if (!engine) throw ServiceException.Unavailable("no haptic engine")
        synchronized(played) { played += effect }
    }
    override fun vibrateShort(appId: String, style: ImpactStyle) = play("short:$style")
    override fun vibrateLong(appId: String) = play("long")
    override fun notify(appId: String, kind: HapticNotification) = play("notify:$kind")
    override fun selectionChanged(appId: String) = play("selection")
}

class Events : InspectorListener {
    val events = mutableListOf<InspectorEvent>()
    override fun onCall(event: InspectorEvent) {
        synchronized(events) { events += event }
    }
}

class HostTest {
    private fun open(services: HostServices = HostServices(), options: HostOptions? = null, home: String = newHome()) =
        Host.open(home, HOST_VERSION, rootPem, services, options)

    @Test
    fun `install, run with consent, payment and inspector`() = runBlocking {
        val consent = Consent(declined = setOf("location"))
        val payments = Payments()
        val events = Events()
        val host = open(HostServices(consent = consent, payment = payments))
        host.setInspector(events)
        val app = host.install(bytes("probe.zip"))
        assertEquals(PROBE to "1.0.0", app.id to app.version)
        assertTrue("payment" in app.permissions)
        assertEquals(listOf(PROBE), host.list().map { it.id })

        val answer = host.run(PROBE, script(
            "payment.pay" to """{"orderId":"o-1","amountMinor":1500,"currency":"EUR","description":"fee"}""",
            "geolocation.currentPosition" to "{}",
            "storage.set" to """{"key":"k","value":"v"}""",
        ))
        assertTrue(answer.contains("\"transactionId\":\"kt-tx-1\""), answer)
        assertTrue(answer.contains("{\"err\":\"PERMISSION_DENIED\"}"), answer)
        assertEquals(listOf(PROBE to "o-1"), payments.orders.map { it.first to it.second.orderId })
        assertEquals(listOf("biometrics", "camera", "clipboard", "location", "notifications", "payment"), consent.prompts.sorted())
        assertEquals(
            listOf("payment.pay" to "ok", "geolocation.currentPosition" to "PERMISSION_DENIED", "storage.set" to "ok"),
            events.events.map { it.method to it.outcome },
        )
    }

    @Test
    fun `tampered package, trap and cpu limit are errors with codes`() = runBlocking {
        val host = open(options = HostOptions(cpuMs = 200uL, memoryMb = 64uL, serviceTimeoutMs = 5000uL))
        val tampered = assertThrows<MiniappException> { host.install(bytes("probe-tampered.zip")) }
        assertEquals("SIGNATURE_INVALID", code(tampered))
        assertEquals(emptyList<InstalledApp>(), host.list())
        host.install(bytes("hostile.zip"))
        val trap = runCatching { host.run("com.acme.hostile", "trap") }.exceptionOrNull() as MiniappException
        assertEquals("GUEST_TRAP", code(trap))
        val loop = runCatching { host.run("com.acme.hostile", "loop") }.exceptionOrNull() as MiniappException
        assertEquals("CPU_LIMIT", code(loop))
        val missing = runCatching { host.run("com.acme.nothere", "{}") }.exceptionOrNull() as MiniappException
        assertEquals("APP_NOT_FOUND", code(missing))
    }

    @Test
    fun `a throwing or silent service is unavailable to the guest`() = runBlocking {
        val pay = """{"orderId":"o-1","amountMinor":5,"currency":"EUR","description":""}"""
        val broken = open(HostServices(consent = Consent(), payment = BrokenPayments()))
        broken.install(bytes("probe.zip"))
        assertEquals("""[{"err":"UNAVAILABLE"},{"ok":[]}]""",
            broken.run(PROBE, script("payment.pay" to pay, "storage.keys" to "{}")))

        val silent = open(HostServices(consent = Consent(), payment = SilentPayments()),
            HostOptions(cpuMs = 1000uL, memoryMb = 64uL, serviceTimeoutMs = 300uL))
        silent.install(bytes("probe.zip"))
        val answer = withTimeout(10_000) { silent.run(PROBE, script("payment.pay" to pay)) }
        assertEquals("""[{"err":"UNAVAILABLE"}]""", answer)
    }

    @Test
    fun `keystore, biometrics and haptics written in Kotlin`() = runBlocking {
        val keystore = Keystore()
        val biometrics = Biometrics(true, false)
        val haptics = Haptics()
        val host = open(HostServices(consent = Consent(), keystore = keystore, biometrics = biometrics, haptics = haptics))
        host.install(bytes("probe.zip"))
        val answer = host.run(PROBE, script(
            "secureStorage.set" to """{"key":"token","value":"s3cret"}""",
            "secureStorage.get" to """{"key":"token"}""",
            "secureStorage.remove" to """{"key":"missing"}""",
            "biometrics.authenticate" to """{"reason":"Confirm the transfer"}""",
            "biometrics.authenticate" to """{"reason":"Again"}""",
            "haptics.vibrateShort" to """{"style":"light"}""",
            "haptics.notify" to """{"kind":"error"}""",
        ))
        assertEquals(
            """[{"ok":null},{"ok":"s3cret"},{"ok":false},{"ok":null},{"err":"CANCELLED"},{"ok":null},{"ok":null}]""",
            answer,
        )
        assertEquals(mapOf(PROBE to mapOf("token" to "s3cret")), keystore.entries)
        assertEquals(listOf("Confirm the transfer", "Again"), biometrics.prompts)
        assertEquals(listOf("short:LIGHT", "notify:ERROR"), haptics.played)
    }

    @Test
    fun `a failing keystore or a missing haptic engine is a code to the guest`() = runBlocking {
        val host = open(HostServices(consent = Consent(), keystore = LockedKeystore(), haptics = Haptics(engine = false)))
        host.install(bytes("probe.zip"))
        val answer = host.run(PROBE, script(
            "secureStorage.set" to """{"key":"k","value":"v"}""",
            "secureStorage.get" to """{"key":"k"}""",
            "haptics.vibrateLong" to "{}",
            "biometrics.authenticate" to """{"reason":"Unlock"}""",
            "storage.keys" to "{}",
        ))
        // No biometric service was given: UNAVAILABLE, never a prompt that always passes.
        assertEquals(
            """[{"err":"UNAVAILABLE"},{"err":"UNAVAILABLE"},{"err":"UNAVAILABLE"},{"err":"UNAVAILABLE"},{"ok":[]}]""",
            answer,
        )
    }

    @Test
    fun `dispatchJson for a web app, bad input answered`() = runBlocking {
        val payments = Payments()
        val consent = Consent()
        val host = open(HostServices(consent = consent, payment = payments))
        host.install(bytes("shop.zip"))
        val shop = "com.acme.shop"
        assertEquals("""{"id":1,"result":null}""",
            host.dispatchJson(shop, """{"id":1,"method":"storage.set","params":{"key":"cart","value":[1,2]}}"""))
        assertEquals("""{"id":2,"result":[1,2]}""",
            host.dispatchJson(shop, """{"id":2,"method":"storage.get","params":{"key":"cart"}}"""))
        val paid = host.dispatchJson(shop,
            """{"id":3,"method":"payment.pay","params":{"orderId":"w-1","amountMinor":900,"currency":"EUR","description":"tea"}}""")
        assertTrue(paid.contains("kt-tx-1"), paid)
        assertTrue(host.dispatchJson(shop, "{nope").contains("BAD_REQUEST"))
        assertTrue(host.dispatchJson(shop, """{"id":4,"method":"geolocation.currentPosition"}""").contains("PERMISSION_DENIED"))
        // The shop's sensitive permissions, asked once each: payment and camera (its scanner).
        assertEquals(listOf("camera", "payment"), consent.prompts.sorted())
        val missing = runCatching { host.dispatchJson("com.acme.nothere", "{}") }.exceptionOrNull() as MiniappException
        assertEquals("APP_NOT_FOUND", code(missing))
        val web = host.webApp(shop)
        assertEquals("index.html", web.entryPoint)
        assertTrue(File(web.filesDir, "index.html").isFile)
    }

    @Test
    fun `a session receives lifecycle events, memory warnings drop caches`() = runBlocking {
        val host = open()
        host.install(bytes("probe.zip"))
        host.launch(PROBE).use { session ->
            assertEquals("[]", session.onLaunch(script()))
            session.deliverEvent(LifecycleEvent.Suspend)
            session.deliverEvent(LifecycleEvent.MemoryWarning(MemoryLevel.CRITICAL))
            session.sendEvent("back", "{}")
            // The probe records each event in storage (tests/programs/guests/probe), as JSON text.
            val out = session.onLaunch(script("storage.get" to """{"key":"probe.events"}"""))
                .replace("\\\\", "").replace("\\\"", "\"")
            assertTrue(out.contains(""""name":"suspend""""), out)
            assertTrue(out.contains(""""payload":{"level":"critical"}"""), out)
            assertTrue(out.contains(""""name":"back""""), out)
        }
        val dropped = host.memoryWarning(MemoryLevel.MODERATE)
        assertEquals(1uL, dropped.components)
        assertEquals("[]", host.run(PROBE, script()))
        assertEquals("""{"event":"hide","data":{}}""", lifecycleEventMessage(LifecycleEvent.Hide))
    }
}
