package dev.keyvault.servlet.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PathPatternTest {

    @ParameterizedTest(name = "{0} ~ {1} = {2}")
    @CsvSource({
            "/articles/**, /articles, true",
            "/articles/**, /articles/, true",
            "/articles/**, /articles/1, true",
            "/articles/**, /articles/1/comments/2, true",
            "/articles/**, /article, false",
            "/articles/**, /articlesx/1, false",
            "/articles/**, /, false",
            "/articles/*, /articles/1, true",
            "/articles/*, /articles, false",
            "/articles/*, /articles/1/2, false",
            "/articles/*/comments, /articles/7/comments, true",
            "/articles/*/comments, /articles/7/likes, false",
            "/files/*.json, /files/a.json, true",
            "/files/*.json, /files/a.jsonx, false",
            "/files/*.json, /files/.json, true",
            "/**/admin, /x/y/admin, true",
            "/**/admin, /admin, true",
            "/**/admin, /admin/x, false",
            "/**, /, true",
            "/**, /anything/at/all, true",
            "/health, /health, true",
            "/health, /Health, false",
            "/health, /health/x, false",
            "/a/**/b/**/c, /a/x/b/y/z/c, true",
            "/a/**/b/**/c, /a/b/c, true",
            "/a/**/b/**/c, /a/c/b, false",
            "/a/**/b, /a/b, true",
            "/a/**/b, /a/x/y/b, true",
            "/a/**/b, /a/b/x, false",
            "/a/**/b, /b, false",
            "/a/**/a, /a, false",
            "/a/**/a, /a/a, true",
            "/a/*/**/*.json, /a/x/y/z.json, true",
            "/a/*/**/*.json, /a/z.json, false",
            "/**, //, true",
            "/x/**, /x//y, true",
    })
    void whenMatchingThenSegmentsAndWildcardsAreHonoured(String pattern, String path, boolean expected) {
        assertThat(PathPattern.compile(pattern).matches(path)).isEqualTo(expected);
    }

    @Test
    void whenPathHasThousandsOfSegmentsThenManyDoubleStarsStillMatchInPolynomialTime() {
        PathPattern pattern = PathPattern.compile("/**/a/**/a/**/a/**/a/**/b");
        String path = "/a".repeat(5_000);

        assertThat(pattern.matches(path)).isFalse();
        assertThat(pattern.matches(path + "/b")).isTrue();
    }

    @Test
    void whenMatchedInOnePassThenTheSameAsTheTable() {
        // the allocation-free matcher and the dynamic program agree on every pair drawn from small alphabets
        String[] patternParts = {"a", "b", "*", "a*", "*b"};
        String[] pathParts = {"a", "b", "ab", "ba", "bb"};
        java.util.Random random = new java.util.Random(42);
        for (int n = 0; n < 20_000; n++) {
            StringBuilder pattern = new StringBuilder();
            int len = random.nextInt(4);
            int starAt = random.nextBoolean() ? random.nextInt(len + 1) : -1;
            for (int i = 0; i <= len; i++) {
                if (i == starAt) {
                    pattern.append("/**");
                }
                if (i < len) {
                    pattern.append('/').append(patternParts[random.nextInt(patternParts.length)]);
                }
            }
            if (pattern.length() == 0) {
                pattern.append('/');
            }
            StringBuilder path = new StringBuilder();
            for (int i = random.nextInt(5); i > 0; i--) {
                path.append(random.nextInt(8) == 0 ? "//" : "/").append(pathParts[random.nextInt(pathParts.length)]);
            }
            PathPattern p = PathPattern.compile(pattern.toString());
            String q = path.length() == 0 ? "/" : path.toString();
            assertThat(p.matchesWithoutBacktracking(q)).as(pattern + " ~ " + q).isEqualTo(p.matchesByTable(q));
        }
    }

    @Test
    void whenPatternIsMalformedThenRejected() {
        for (String bad : new String[] {"", "articles", "/a/**x", "/a b", "/a?b", "/a;b", "/a\\b", "/" + "x".repeat(200), "/é"}) {
            assertThatThrownBy(() -> PathPattern.compile(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
    }
}
