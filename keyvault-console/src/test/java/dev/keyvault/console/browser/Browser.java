package dev.keyvault.console.browser;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * One headless Chromium per test JVM, driven through Debian's {@code chromium-driver}: nothing is
 * downloaded at test time (the paths are given, so Selenium Manager never runs). Quit by a shutdown hook.
 */
final class Browser {
    static final String CHROMIUM = System.getProperty("console.chromium", "/usr/bin/chromium");
    static final String CHROMEDRIVER = System.getProperty("console.chromedriver", "/usr/bin/chromedriver");
    private static ChromeDriver driver;

    private Browser() {}

    static synchronized ChromeDriver driver() {
        if (driver == null) {
            ChromeOptions options = new ChromeOptions();
            options.setBinary(CHROMIUM);
            options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,1000",
                    "--disable-gpu", "--no-first-run", "--disable-extensions", "--lang=en-US");
            ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(new File(CHROMEDRIVER))
                    .usingAnyFreePort().build();
            driver = new ChromeDriver(service, options);
            driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(10));
            ChromeDriver d = driver;
            Runtime.getRuntime().addShutdownHook(new Thread(d::quit));
        }
        return driver;
    }

    /** Lets pages of {@code origin} read and write the clipboard without asking. */
    static void grantClipboard(String origin) {
        driver().executeCdpCommand("Browser.grantPermissions", Map.of("origin", origin,
                "permissions", List.of("clipboardReadWrite", "clipboardSanitizedWrite")));
    }

    /** Saves a screenshot of the viewport as {@code target/screenshots/<name>.png}. */
    static Path screenshot(String name) {
        try {
            Path dir = Path.of(System.getProperty("console.screenshots", "target/screenshots"));
            Files.createDirectories(dir);
            File shot = driver().getScreenshotAs(OutputType.FILE);
            Path out = dir.resolve(name + ".png");
            Files.copy(shot.toPath(), out, StandardCopyOption.REPLACE_EXISTING);
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
