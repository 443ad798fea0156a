package dev.keyvault.console.spi;

import dev.keyvault.Syntax;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The host's own CSRF protection, when it has one (Spring Security's {@code CsrfFilter}, say): the
 * host checks the token on every state-changing request before the console sees it, and the console
 * only hands the page the token to send. With this, the console's own mechanism is off, so a request
 * carries one token, checked once. See {@code CsrfProtection.host(HostCsrf)}.
 */
@FunctionalInterface
public interface HostCsrf {

    /** The token the page must send with state-changing requests made in {@code request}'s session. */
    Optional<Token> token(HttpServletRequest request);

    /**
     * A CSRF token and the request header that carries it.
     *
     * @param headerName the header, such as {@code X-CSRF-TOKEN}
     * @param value      the token
     */
    record Token(String headerName, String value) {
        private static final Pattern HEADER = Pattern.compile("[A-Za-z0-9-]{1,64}");
        private static final Pattern VALUE = Pattern.compile("[A-Za-z0-9+/=._~-]{1,512}");

        public Token {
            Syntax.matches("headerName", headerName, HEADER, "[A-Za-z0-9-]{1,64}");
            Syntax.matches("value", value, VALUE, "[A-Za-z0-9+/=._~-]{1,512}");
        }

        @Override
        public String toString() {
            return "Token[headerName=" + headerName + ", value=…]";
        }
    }
}
