package dev.keyvault.console.browser;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.keyvault.ApiKey;
import dev.keyvault.CreditRefill;
import dev.keyvault.Credits;
import dev.keyvault.IssuedKey;
import dev.keyvault.KeyHashers;
import dev.keyvault.KeyManager;
import dev.keyvault.KeySpec;
import dev.keyvault.KeyStatus;
import dev.keyvault.KeyUpdate;
import dev.keyvault.console.ConsoleApp;
import dev.keyvault.console.ConsoleConfig;
import dev.keyvault.console.TestAccess;
import dev.keyvault.console.TestPostgres;
import dev.keyvault.console.TestServer;
import dev.keyvault.jdbc.JdbiKeyStore;
import dev.keyvault.testing.MutableClock;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.imageio.ImageIO;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.NoAlertPresentException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The console's page in a real headless Chromium, as a person uses it: generate → copy → call the API
 * with the copied key; rotate → the missed consumer shows → completion refused → later allowed (the
 * clock is moved, nobody sleeps); revoke with the typed name → 401; an emergency rotation and its
 * audit; owner isolation; hostile strings rendered as text; CSRF refused from the page and from
 * another site; keyboard and labels; the first view's weight. Screenshots of each page go to
 * {@code target/screenshots}. Runs in the browser-tests profile (where Chromium is installed).
 */
@Tag("browser")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConsoleBrowserTest {
    private static final String TOKEN = "kb_ui_[0-9A-Za-z]{12}_[0-9A-Za-z]{38}";
    private static final String XSS_FLAG = "window.__xss";
    private static final List<String> XSS = List.of(
            "<img src=x onerror=\"window.__xss=1\">",
            "\"><script>window.__xss=2</script>",
            "'><svg/onload=window.__xss=3>",
            "javascript:window.__xss=4",
            "</textarea><script>window.__xss=5</script>");

    private final MutableClock clock = MutableClock.at(Instant.parse("2026-06-01T09:00:00Z"));
    private KeyManager keys;
    private TestAccess access;
    private ConsoleApp app;
    private TestServer server;
    private ChromeDriver driver;
    private WebDriverWait wait;
    private String base;

    @BeforeAll
    void start() throws Exception {
        JdbiKeyStore store = JdbiKeyStore.builder(TestPostgres.dataSource()).tablePrefix("console_ui_").build();
        store.migrate();
        keys = KeyManager.builder().store(store).clock(clock).keyPrefix("kb_ui")
                .hasher(KeyHashers.hmacSha256("console-ui-pepper-0123456789abcdef0".getBytes(StandardCharsets.US_ASCII), "u1"))
                .usageFlushInterval(Duration.ZERO).changeFeedPollInterval(Duration.ZERO).build();
        access = new TestAccess()
                .user("alice@acme", false, "acme")
                .user("bob@globex", false, "globex")
                .user("olga@ops", true)
                .user("mallory@xss", false, XSS.get(0));
        app = new ConsoleApp(keys, ConsoleConfig.builder(access).build());
        server = TestServer.jetty(app);
        base = "http://127.0.0.1:" + server.port();
        driver = Browser.driver();
        wait = new WebDriverWait(driver, Duration.ofSeconds(10));
        Browser.grantClipboard(base);
    }

    @AfterAll
    void stop() throws Exception {
        server.close();
        keys.close();
    }

    @BeforeEach
    void noDialogLeftOpen() {
        driver.get("about:blank");
    }

    // ------------------------------------------------------------------------------------ helpers

    private void login(String user) {
        driver.get(base + "/login?user=" + user);
        wait.until(ExpectedConditions.presenceOfElementLocated(By.id("view-title")));
    }

    private void go(String hash) {
        driver.get(base + ConsoleApp.MOUNT + "/" + hash);
        wait.until(ExpectedConditions.presenceOfElementLocated(By.id("view-title")));
    }

    private WebElement byId(String id) {
        return wait.until(ExpectedConditions.presenceOfElementLocated(By.id(id)));
    }

    private WebElement clickable(By by) {
        return wait.until(ExpectedConditions.elementToBeClickable(by));
    }

    private WebElement dialog() {
        return wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("dialog[open]")));
    }

    private void waitDialogClosed() {
        wait.until(ExpectedConditions.numberOfElementsToBe(By.cssSelector("dialog[open]"), 0));
    }

    private WebElement field(WebElement scope, String labelText) {
        for (WebElement label : scope.findElements(By.tagName("label"))) {
            if (label.getText().trim().startsWith(labelText)) {
                return scope.findElement(By.id(label.getAttribute("for")));
            }
        }
        throw new AssertionError("no field labelled " + labelText);
    }

    private Object js(String script, Object... args) {
        return ((JavascriptExecutor) driver).executeScript(script, args);
    }

    private Object asyncJs(String script, Object... args) {
        return ((JavascriptExecutor) driver).executeAsyncScript(script, args);
    }

    private String bodyText() {
        return driver.findElement(By.tagName("body")).getText();
    }

    private int callApi(String method, String path, String token, String client) throws Exception {
        return callApi(method, path, token, client, "10.0.0.1", "curl/8.5");
    }

    private int callApi(String method, String path, String token, String client, String ip, String agent) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).method(method, HttpRequest.BodyPublishers.noBody())
                .header("Authorization", "Bearer " + token).header("X-Forwarded-For", ip).header("User-Agent", agent);
        if (client != null) {
            b.header("X-Client-Name", client);
        }
        return HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    /** Generates a key in the page; returns its token as read from the clipboard after pressing Copy. */
    private String generateInPage(String name, String... scopes) {
        clickable(By.id("generate")).click();
        WebElement d = dialog();
        field(d, "Name").sendKeys(name);
        for (String scope : scopes) {
            for (WebElement box : d.findElements(By.cssSelector("input[type=checkbox]"))) {
                if (scope.equals(box.getAttribute("value"))) {
                    box.click();
                }
            }
        }
        d.findElement(By.cssSelector("button[type=submit]")).click();
        return copyTokenAndClose();
    }

    /** In the show-once dialog: Copy, read the clipboard, tick "I have stored it", Done. */
    private String copyTokenAndClose() {
        WebElement copy = clickable(By.id("copy-token"));
        String shown = driver.findElement(By.cssSelector("input.token")).getAttribute("value");
        copy.click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector(".copy-status"), "Copied"));
        String clipboard = (String) asyncJs("navigator.clipboard.readText().then(arguments[0], e => arguments[0]('failed: ' + e))");
        assertThat(clipboard).matches(TOKEN).isEqualTo(shown);
        WebElement done = driver.findElement(By.id("token-done"));
        assertThat(done.isEnabled()).isFalse();
        new Actions(driver).sendKeys(Keys.ESCAPE).perform();
        assertThat(driver.findElements(By.cssSelector("dialog[open]"))).as("Escape must not close the show-once dialog").hasSize(1);
        WebElement stored = field(dialog(), "I have stored it");
        stored.click();
        done.click();
        waitDialogClosed();
        assertThat(driver.getPageSource()).doesNotContain(clipboard.substring(clipboard.length() - 20));
        return clipboard;
    }

    /** Every form control on the page has a name a screen reader reads (label, aria-label(ledby), or text). */
    private void assertLabelled() {
        @SuppressWarnings("unchecked")
        List<String> unlabelled = (List<String>) js(
                "return Array.from(document.querySelectorAll('input, select, textarea, button, meter')).filter(el => {"
                        + " if (el.type === 'hidden') return false;"
                        + " if (el.getAttribute('aria-label') || el.getAttribute('aria-labelledby')) return false;"
                        + " if (el.id && document.querySelector('label[for=\"' + CSS.escape(el.id) + '\"]')) return false;"
                        + " if (el.tagName === 'BUTTON' && el.textContent.trim()) return false;"
                        + " return true; }).map(el => el.outerHTML.slice(0, 120));");
        assertThat(unlabelled).isEmpty();
    }

    private void assertNoScriptRan() {
        assertThat(js("return typeof " + XSS_FLAG)).isEqualTo("undefined");
        assertThatThrownBy(() -> driver.switchTo().alert()).isInstanceOf(NoAlertPresentException.class);
    }

    // ------------------------------------------------------------------------------------- scenarios

    @Test
    @Order(1)
    void whenTheFirstViewLoadsThenItWeighsAtMost150KbTransferred() throws Exception {
        keys.issue(KeySpec.builder("acme", "Existing key").scopes("kb:read").build());
        login("alice@acme");
        byId("generate");
        @SuppressWarnings("unchecked")
        Map<String, Object> weight = (Map<String, Object>) js(
                "const nav = performance.getEntriesByType('navigation');"
                        + "const res = performance.getEntriesByType('resource');"
                        + "const all = nav.concat(res);"
                        + "return {transferred: all.reduce((s, e) => s + e.transferSize, 0),"
                        + " decoded: all.reduce((s, e) => s + e.decodedBodySize, 0), requests: all.length,"
                        + " names: all.map(e => e.name.replace(/^.*\\/settings\\/api-keys\\//, '') + ' ' + e.transferSize).join(', ')};");
        long transferred = ((Number) weight.get("transferred")).longValue();
        Files.writeString(Path.of("target", "page-weight.txt"), "first view (Chromium resource timing): " + transferred
                + " bytes transferred, " + weight.get("decoded") + " bytes decoded, " + weight.get("requests") + " requests: "
                + weight.get("names") + "\n");
        assertThat(transferred).isPositive().isLessThanOrEqualTo(150 * 1024);
        assertLabelled();
        Browser.screenshot("01-keys");
    }

    @Test
    @Order(2)
    void whenAKeyIsGeneratedThenTheCopiedTokenCallsTheProtectedApi() throws Exception {
        login("alice@acme");
        String token = generateInPage("Nightly sync — production", "kb:read");
        assertThat(callApi("GET", "/kb/articles/1", token, "nightly-sync")).isEqualTo(200);
        assertThat(callApi("POST", "/kb/articles", token, "nightly-sync")).isEqualTo(403);
        driver.navigate().refresh();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("view"), "Nightly sync — production"));
        assertThat(driver.getPageSource()).doesNotContain(token.substring(token.length() - 20));
        assertThat(app.requestLines()).noneMatch(l -> l.contains(token.substring(token.length() - 20)));
    }

    @Test
    @Order(3)
    void whenRotatedThenTheMissedConsumerShowsCompletionIsRefusedThenAllowedAndTheOldKeyGets401() throws Exception {
        login("alice@acme");
        String v1 = generateInPage("KB Sync Script", "kb:read", "kb:write");
        assertThat(callApi("GET", "/kb/a", v1, "nightly-sync")).isEqualTo(200);
        assertThat(callApi("POST", "/kb/a", v1, "editor-bot")).isEqualTo(201);
        String v1Id = v1.substring("kb_ui_".length(), "kb_ui_".length() + 12);
        clock.advance(Duration.ofHours(2));

        go("#/keys/" + v1Id);
        clickable(By.id("rotate")).click();
        dialog().findElement(By.cssSelector("button[type=submit]")).click();
        String v2 = copyTokenAndClose();
        wait.until(ExpectedConditions.presenceOfElementLocated(By.id("complete")));
        assertThat(callApi("GET", "/kb/a", v1, "nightly-sync")).isEqualTo(200);
        assertThat(callApi("POST", "/kb/a", v1, "editor-bot")).isEqualTo(201);
        clock.advance(Duration.ofMinutes(30));
        assertThat(callApi("GET", "/kb/a", v2, "nightly-sync")).isEqualTo(200);

        clickable(By.id("refresh")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("table.clients"), "editor-bot"));
        WebElement missed = driver.findElement(By.xpath("//table[contains(@class,'clients')]//tr[th[normalize-space()='editor-bot']]"));
        assertThat(missed.getText()).contains("No — still on the old key", "Blocks completion");
        WebElement moved = driver.findElement(By.xpath("//table[contains(@class,'clients')]//tr[th[normalize-space()='nightly-sync']]"));
        assertThat(moved.getText()).contains("Yes, since");
        assertThat(driver.findElement(By.id("complete")).isEnabled()).isFalse();
        assertThat(driver.findElement(By.id("complete-why")).getText()).contains("Not yet safe", "still on the old key");
        assertThat(driver.findElements(By.cssSelector("svg.chart rect.bar.old"))).isNotEmpty();
        assertThat(driver.findElement(By.cssSelector("svg.chart")).getAttribute("aria-labelledby")).isNotBlank();
        assertLabelled();
        Browser.screenshot("03-rotation-open");
        readmePicture();
        // the server refuses too, whatever the page shows
        Object refused = asyncJs("const done = arguments[0];"
                + "fetch('api/session').then(r => r.json()).then(s => fetch('api/keys/" + v1Id + "/rotation/complete', {method: 'POST',"
                + " headers: {'Content-Type': 'application/json', [s.csrf.header]: s.csrf.token}, body: '{}'}))"
                + ".then(r => done(r.status), e => done('failed ' + e));");
        assertThat(refused).isEqualTo(409L);
        assertThat(keys.get(v1Id).orElseThrow().status()).isEqualTo(KeyStatus.ACTIVE);

        assertThat(callApi("POST", "/kb/a", v2, "editor-bot")).isEqualTo(201);
        clock.advance(Duration.ofHours(25));
        assertThat(callApi("GET", "/kb/a", v2, "nightly-sync")).isEqualTo(200);
        clickable(By.id("refresh")).click();
        WebElement complete = clickable(By.id("complete"));
        assertThat(driver.findElement(By.id("view")).getText()).contains("Safe to complete");
        complete.click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("view"), "Completed: the old key is revoked"));
        Browser.screenshot("04-rotation-completed");
        assertThat(callApi("GET", "/kb/a", v1, "forgotten-cron")).isEqualTo(401);
        assertThat(callApi("GET", "/kb/a", v2, "nightly-sync")).isEqualTo(200);
        clickable(By.id("refresh")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("table.clients"), "forgotten-cron"));
        assertThat(driver.findElement(By.xpath("//tr[th[normalize-space()='forgotten-cron']]")).getText())
                .contains("1 refused", "the consumer that was missed");
        assertThat(driver.findElements(By.id("complete"))).isEmpty();
    }

    /** The README's picture: the rotation page, scaled to 960 pixels wide. */
    private void readmePicture() throws IOException {
        Path shot = Browser.screenshot("readme-full");
        BufferedImage full = ImageIO.read(shot.toFile());
        int w = 960;
        int h = full.getHeight() * w / full.getWidth();
        BufferedImage small = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        java.awt.Graphics2D g = small.createGraphics();
        g.setRenderingHint(java.awt.RenderingHints.KEY_INTERPOLATION, java.awt.RenderingHints.VALUE_INTERPOLATION_BICUBIC);
        g.drawImage(full, 0, 0, w, h, null);
        g.dispose();
        ImageIO.write(small, "png", shot.resolveSibling("console.png").toFile());
    }

    @Test
    @Order(4)
    void whenRevokedWithTheTypedNameThenTheKeyGets401() throws Exception {
        login("alice@acme");
        String token = generateInPage("Reporting (read-only)", "kb:read");
        String id = token.substring(6, 18);
        assertThat(callApi("GET", "/kb/r", token, "reports")).isEqualTo(200);
        go("#/keys/" + id);
        clickable(By.id("revoke")).click();
        WebElement d = dialog();
        assertThat(d.getText()).contains("irreversible");
        WebElement confirm = field(d, "Type the key");
        WebElement go = d.findElement(By.cssSelector("button[type=submit]"));
        assertThat(go.isEnabled()).isFalse();
        confirm.sendKeys("reporting (read-only)");
        assertThat(go.isEnabled()).isFalse();
        confirm.clear();
        confirm.sendKeys("Reporting (read-only)");
        assertThat(go.isEnabled()).isTrue();
        assertLabelled();
        Browser.screenshot("05-revoke-dialog");
        go.click();
        waitDialogClosed();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("view"), "Revoked"));
        assertThat(callApi("GET", "/kb/r", token, "reports")).isEqualTo(401);
        assertThat(driver.findElements(By.id("revoke"))).isEmpty();
        Browser.screenshot("06-key-revoked");
    }

    @Test
    @Order(5)
    void whenAnOperatorRotatesALeakedKeyThenTheAuditShowsTheSpikeTheNewAddressThe403sAndLateRequests() throws Exception {
        IssuedKey leaked = keys.issue(KeySpec.builder("acme", "Ops Console").scopes("kb:read", "kb:write").tier("standard")
                .environment("production").build());
        for (int hour = 0; hour < 30; hour++) {
            callApi("GET", "/kb/a", leaked.token(), null, "10.1.0.5", "nightly-sync/2.1");
            clock.advance(Duration.ofHours(1));
        }
        for (int i = 0; i < 40; i++) {
            callApi("GET", "/kb/articles/" + i, leaked.token(), null, "203.0.113.66", "python-requests/2.31");
        }
        for (int i = 0; i < 5; i++) {
            assertThat(callApi("DELETE", "/kb/admin/users/" + i, leaked.token(), null, "203.0.113.66", "python-requests/2.31"))
                    .isEqualTo(403);
        }
        clock.advance(Duration.ofMinutes(20));

        login("olga@ops");
        go("#/keys/" + leaked.id());
        clickable(By.id("emergency")).click();
        WebElement d = dialog();
        field(d, "What happened").sendKeys("posted in https://gist.github.com/someone/0123abcd source: github-secret-scanning");
        field(d, "Type the key").sendKeys("Ops Console");
        assertLabelled();
        d.findElement(By.cssSelector("button[type=submit]")).click();
        String replacement = copyTokenAndClose();
        assertThat(callApi("GET", "/kb/a", replacement, null, "10.1.0.5", "nightly-sync/2.1")).isEqualTo(200);
        assertThat(callApi("GET", "/kb/a", leaked.token(), null, "203.0.113.66", "python-requests/2.31")).isEqualTo(401);
        assertThat(callApi("GET", "/kb/a", leaked.token(), null, "203.0.113.66", "python-requests/2.31")).isEqualTo(401);

        go("#/keys/" + leaked.id() + "/audit?hours=2");
        // the page may still show the 7-day audit it opened after "Done": wait for the 2-hour one
        wait.until(ignored -> "2".equals(js("const s = document.querySelector('#view select'); return s && s.value;")));
        wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("svg.chart text.mark")));
        String view = driver.findElement(By.id("view")).getText();
        assertThat(driver.findElement(By.cssSelector("svg.chart text.mark")).getText()).contains("▲ spike");
        assertThat(driver.findElements(By.cssSelector("svg.chart rect.marked"))).hasSize(1);
        assertThat(driver.findElement(By.cssSelector("ul.new-ips")).getText()).contains("203.0.113.66").doesNotContain("10.1.0.5");
        WebElement admin = driver.findElement(By.xpath("//tr[th[contains(normalize-space(),'DELETE /kb/admin/**')]]"));
        assertThat(admin.getText()).contains("5");
        assertThat(view).contains("Requests after revocation", "python-requests/2.31");
        WebElement late = driver.findElement(By.xpath("//h2[normalize-space()='Requests after revocation']/following-sibling::table[1]"));
        assertThat(late.getText()).contains("203.0.113.66", "2");
        Browser.screenshot("07-emergency-audit");

        go("#/keys/" + leaked.id());
        WebElement link = byId("leak-title").findElement(By.xpath("..")).findElement(By.cssSelector("a.leak-url"));
        assertThat(link.getAttribute("href")).isEqualTo("https://gist.github.com/someone/0123abcd");
        assertThat(link.getAttribute("rel")).contains("noopener", "noreferrer");
        assertThat(driver.findElement(By.id("view")).getText()).contains("source: github-secret-scanning");
        Browser.screenshot("08-leaked-key");
    }

    @Test
    @Order(6)
    void whenAnOperatorOpensTheirViewsThenDueComplianceAndBulkRevocationWork() throws Exception {
        for (int i = 0; i < 3; i++) {
            keys.issue(KeySpec.builder("initech", "Initech key " + i).scopes(i == 0 ? Set.of("*") : Set.of("kb:write"))
                    .environment("production").build());
        }
        clock.advance(Duration.ofDays(200));
        login("olga@ops");
        go("#/operator/keys");
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("view"), "Keys of every owner"));
        assertLabelled();
        Browser.screenshot("09-operator-keys");
        go("#/operator/due");
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("table.due"), "Initech key 0"));
        assertThat(driver.findElement(By.cssSelector("table.due")).getText()).contains("‼ Overdue", "FULL_ACCESS");
        Browser.screenshot("10-operator-due");
        go("#/operator/compliance?maxAgeDays=90&environment=production");
        assertThat(byId("compliance-verdict").getText()).startsWith("✕ Not compliant");
        assertLabelled();
        Browser.screenshot("11-operator-compliance");

        go("#/operator/revoke");
        WebElement view = byId("view");
        field(view, "Owner").sendKeys("initech");
        field(view, "Reason").sendKeys("contract ended");
        clickable(By.id("preview")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("bulk-result"), "3 keys would be revoked"));
        assertThat(keys.list("initech")).allMatch(k -> k.isActive());
        Browser.screenshot("12-bulk-revoke-preview");
        clickable(By.id("bulk-go")).click();
        WebElement d = dialog();
        field(d, "Type").sendKeys("initech");
        d.findElement(By.cssSelector("button[type=submit]")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("bulk-done"), "3 keys revoked"));
        assertThat(keys.list("initech")).noneMatch(k -> k.isActive());
    }

    @Test
    @Order(7)
    void whenAUserOpensAnotherOwnersKeyThenThePageShowsNotFoundAndNothingOfIt() {
        IssuedKey secret = keys.issue(KeySpec.builder("acme", "Acme payroll export").scopes("kb:read").build());
        login("bob@globex");
        go("#/keys/" + secret.id());
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("view"), "Not found"));
        assertThat(driver.getPageSource()).doesNotContain("Acme payroll export");
        go("#/keys/" + secret.id() + "/rotation");
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("view"), "Not found"));
        go("#/owners/acme");
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("view"), "do not manage"));
        assertThat(driver.getPageSource()).doesNotContain("Acme payroll export", "Existing key");
        Browser.screenshot("13-isolation");
    }

    @Test
    @Order(8)
    void whenNamesLabelsAgentsAndReasonsAreHostileThenThePageShowsThemAsTextAndRunsNothing() throws Exception {
        String owner = XSS.get(0);
        IssuedKey first = null;
        for (String name : XSS) {
            IssuedKey k = keys.issue(KeySpec.builder(owner, name).scopes("kb:read").build());
            first = first == null ? k : first;
            callApi("GET", "/kb/x", k.token(), XSS.get(1), "203.0.113.9", XSS.get(2));
        }
        keys.rotate(first.id());
        callApi("GET", "/kb/x", first.token(), XSS.get(4), "203.0.113.9", XSS.get(3));
        String leaked = keys.list(owner).stream().filter(k -> k.name().equals(XSS.get(3))).findFirst().orElseThrow().id();
        keys.rotation().emergencyRotate(leaked, "see javascript:window.__xss=9 " + XSS.get(1), "mallory@xss");

        login("mallory@xss");
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("view"), XSS.get(2)));
        String text = bodyText();
        for (String s : XSS) {
            assertThat(text).contains(s);
        }
        assertNoScriptRan();
        Browser.screenshot("14-xss-list");
        go("#/keys/" + first.id() + "/rotation");
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("view"), XSS.get(4)));
        assertNoScriptRan();
        go("#/keys/" + leaked);
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("view"), "javascript:window.__xss=9"));
        assertThat(driver.findElements(By.cssSelector("a.leak-url"))).isEmpty();
        assertThat((Long) js("return document.querySelectorAll('a[href^=\"javascript\"], [onerror], [onload], script:not([src])').length"))
                .isZero();
        assertNoScriptRan();
        Browser.screenshot("15-xss-key");
    }

    @Test
    @Order(9)
    void whenAStateChangingRequestLacksTheTokenOrComesFromAnotherSiteThenItIsRefusedAndNothingIsIssued() throws Exception {
        login("alice@acme");
        byId("generate");
        int before = keys.list("acme").size();
        Object noToken = asyncJs("fetch('api/keys', {method: 'POST', headers: {'Content-Type': 'application/json'},"
                + " body: JSON.stringify({owner: 'acme', name: 'no token'})}).then(r => r.json()).then(p => arguments[0](p.status + ' ' + p.type));");
        assertThat(noToken).isEqualTo("403 urn:keyvault:console:csrf");

        // another site, same browser, alice still signed in: a form posting "JSON" as text/plain, and a fetch
        try (AttackerSite evil = new AttackerSite(base + ConsoleApp.MOUNT + "/api/keys")) {
            driver.get(evil.uri());
            wait.until(ExpectedConditions.titleIs("done"));
            driver.get(evil.uri() + "?fetch");
            wait.until(ExpectedConditions.titleIs("fetched"));
        }
        assertThat(keys.list("acme")).hasSize(before);
        assertThat(app.requestLines()).anyMatch(l -> l.equals("POST " + ConsoleApp.MOUNT + "/api/keys"));
    }

    @Test
    @Order(10)
    void whenUsedFromTheKeyboardThenDialogsOpenKeepFocusInsideAndGiveItBack() {
        login("alice@acme");
        WebElement generate = byId("generate");
        Actions keyboard = new Actions(driver);
        for (int i = 0; i < 40 && !generate.equals(driver.switchTo().activeElement()); i++) {
            keyboard.sendKeys(Keys.TAB).perform();
        }
        assertThat(driver.switchTo().activeElement()).isEqualTo(generate);
        keyboard.sendKeys(Keys.ENTER).perform();
        WebElement d = dialog();
        wait.until(ExpectedConditions.attributeToBe(By.cssSelector("dialog[open] input[type=text]"), "maxlength", "200"));
        assertThat(driver.switchTo().activeElement().getAttribute("id")).isEqualTo(field(d, "Name").getAttribute("id"));
        for (int i = 0; i < 25; i++) {
            keyboard.sendKeys(i % 7 == 6 ? Keys.chord(Keys.SHIFT, Keys.TAB) : Keys.TAB).perform();
            assertThat((Boolean) js("return document.querySelector('dialog[open]').contains(document.activeElement)")).isTrue();
        }
        assertLabelled();
        Browser.screenshot("02-generate-dialog");
        keyboard.sendKeys(Keys.ESCAPE).perform();
        waitDialogClosed();
        assertThat(driver.switchTo().activeElement()).isEqualTo(generate);
        // colour is never the only signal: every status badge carries a symbol and a word
        @SuppressWarnings("unchecked")
        List<String> badges = (List<String>) js("return Array.from(document.querySelectorAll('.badge')).map(b => b.textContent)");
        assertThat(badges).isNotEmpty().allMatch(b -> b.matches("[✓✕⌛⚠‼!…⌖◔] [A-Z][a-z]+.*"));
    }

    @Test
    @Order(11)
    void whenAKeyHasPoliciesThenTheDetailShowsAllowlistCreditsAndHostileMetadataAsTextAndTheHistoryNamesChanges() throws Exception {
        access.user("paula@policies", false, "policies");
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put("plan", "pro");
        for (int i = 0; i < XSS.size(); i++) {
            metadata.put("x" + i, XSS.get(i));
        }
        IssuedKey k = keys.issue(KeySpec.builder("policies", "Partner sync").scopes("kb:read")
                .ipAllowlist("203.0.113.0/24", "2001:db8::/32").metadata(metadata)
                .credits(Credits.of(1_500).withRefill(CreditRefill.monthly(1, 1_500))).build());
        String nextRefill = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'").withZone(ZoneOffset.UTC)
                .format(CreditRefill.monthly(1, 1_500).nextAfter(clock.instant()).orElseThrow());
        String plain = keys.issue(KeySpec.builder("policies", "Plain").scopes("kb:read").build()).id();
        keys.update(k.id(), KeyUpdate.builder().scopes("kb:read", "kb:write").metadata(metadata).actor("olga@ops").build());

        login("paula@policies");
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("view"), "Partner sync"));
        WebElement row = driver.findElement(By.cssSelector("tr[data-key='" + k.id() + "']"));
        assertThat(row.getText()).contains("⌖ IP allowlist", "◔ Credits: 1,500");
        assertThat(driver.findElement(By.cssSelector("tr[data-key='" + plain + "']")).getText()).doesNotContain("IP allowlist", "Credits");

        go("#/keys/" + k.id());
        assertThat(byId("key-allowlist").findElements(By.tagName("code"))).extracting(WebElement::getText)
                .containsExactly("203.0.113.0/24", "2001:db8::/32");
        String credits = byId("key-credits").getText();
        assertThat(credits).contains("1,500 in the store", "0 leased by this server",
                "Refilled to 1,500 on day 1 of every month", nextRefill);
        WebElement meta = byId("key-metadata");
        List<String> names = meta.findElements(By.tagName("dt")).stream().map(WebElement::getText).toList();
        List<String> values = meta.findElements(By.tagName("dd")).stream().map(WebElement::getText).toList();
        assertThat(names).containsExactly("plan", "x0", "x1", "x2", "x3", "x4");
        assertThat(values).containsExactly("pro", XSS.get(0), XSS.get(1), XSS.get(2), XSS.get(3), XSS.get(4));
        @SuppressWarnings("unchecked")
        List<Object> tags = (List<Object>) js("return Array.from(arguments[0].querySelectorAll('*')).map(e => e.tagName)", meta);
        assertThat(tags).as("a name and a value per entry, no other element").hasSize(18).containsOnly((Object) "DT", "DD", "CODE");
        assertThat((Long) js("return document.querySelectorAll('#view img, [onerror], [onload], script:not([src])').length"))
                .isZero();
        assertThat(byId("view").getText()).as("an absent part is not written as null").doesNotContainPattern("(?m)^null$");
        WebElement history = driver.findElement(By.cssSelector("table.history"));
        assertThat(history.getText()).contains("Scopes widened SCOPES_WIDENED", "Changed UPDATED", "olga@ops");
        assertThat(history.findElements(By.cssSelector("tr.attention"))).hasSize(1);
        assertNoScriptRan();
        assertLabelled();
        Browser.screenshot("16-key-policies");

        go("#/owners/policies");
        clickable(By.id("generate")).click();
        WebElement d = dialog();
        field(d, "Name").sendKeys("From the page");
        field(d, "IP allowlist").sendKeys("198.51.100.0/24\n2001:DB8::1");
        assertThat(d.findElements(By.tagName("label"))).extracting(WebElement::getText).noneMatch(t -> t.startsWith("Metadata"));
        field(d, "IP allowlist").sendKeys("\n10.1.2.3/8");
        d.findElement(By.cssSelector("button[type=submit]")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("dialog[open] .error"), "address bits set after its prefix"));
        WebElement allow = field(d, "IP allowlist");
        allow.clear();
        allow.sendKeys("198.51.100.0/24\n2001:DB8::1");
        d.findElement(By.cssSelector("button[type=submit]")).click();
        copyTokenAndClose();
        ApiKey made = keys.list("policies").stream().filter(x -> x.name().equals("From the page")).findFirst().orElseThrow();
        assertThat(made.ipAllowlist().ranges()).containsExactly("198.51.100.0/24", "2001:db8::1/128");
        assertThat(made.metadata()).isEmpty();

        login("olga@ops");
        go("#/owners/policies");
        clickable(By.id("generate")).click();
        d = dialog();
        field(d, "Name").sendKeys("Labelled by an operator");
        field(d, "Metadata").sendKeys("plan=pro\nnote=" + XSS.get(0) + "\nconstructor=x");
        d.findElement(By.cssSelector("button[type=submit]")).click();
        copyTokenAndClose();
        ApiKey labelled = keys.list("policies").stream().filter(x -> x.name().equals("Labelled by an operator")).findFirst().orElseThrow();
        assertThat(labelled.metadata()).containsExactly(Map.entry("constructor", "x"), Map.entry("note", XSS.get(0)), Map.entry("plan", "pro"));
        assertNoScriptRan();
        login("paula@policies");

        go("#/keys/" + plain);
        assertThat(byId("key-allowlist").getText()).isEqualTo("Any address");
        assertThat(byId("key-credits").getText()).isEqualTo("None: not limited");
        assertThat(byId("key-metadata").getText()).isEqualTo("None");
        assertNoScriptRan();
    }

    /** A page on another origin (another port) that tries to create a key in the console. */
    private static final class AttackerSite implements AutoCloseable {
        private final Server server;
        private final int port;

        AttackerSite(String target) throws Exception {
            server = new Server();
            ServerConnector connector = new ServerConnector(server);
            connector.setHost("127.0.0.1");
            connector.setPort(0);
            server.addConnector(connector);
            ServletContextHandler context = new ServletContextHandler();
            context.addServlet(new ServletHolder(new HttpServlet() {
                private static final long serialVersionUID = 1L;

                @Override
                protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
                    resp.setContentType("text/html;charset=utf-8");
                    String page = req.getQueryString() == null
                            ? "<title>form</title><iframe name=sink></iframe><form id=f method=POST enctype=text/plain target=sink action='"
                                    + target + "'><input name='{\"owner\":\"acme\",\"name\":\"csrf\",\"x\":\"' value='\"}'></form>"
                                    + "<script>document.querySelector('iframe').onload=()=>{document.title='done'};f.submit();</script>"
                            : "<title>fetch</title><script>fetch('" + target + "',{method:'POST',mode:'no-cors',credentials:'include',"
                                    + "headers:{'Content-Type':'text/plain'},body:'{\"owner\":\"acme\",\"name\":\"csrf2\"}'})"
                                    + ".finally(()=>{document.title='fetched'});</script>";
                    resp.getWriter().write(page);
                }
            }), "/*");
            server.setHandler(context);
            server.start();
            port = connector.getLocalPort();
        }

        String uri() {
            return "http://localhost:" + port + "/";
        }

        @Override
        public void close() throws Exception {
            server.stop();
        }
    }
}
