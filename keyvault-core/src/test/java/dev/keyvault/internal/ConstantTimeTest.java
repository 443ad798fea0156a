package dev.keyvault.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ConstantTimeTest {
    @Test
    void whenAnySingleBitDiffersThenNotEqualAndIdenticalContentIsEqual() {
        SplittableRandom random = new SplittableRandom(3);
        byte[] a = new byte[32];
        random.nextBytes(a);
        assertThat(ConstantTime.equals(a, a.clone())).isTrue();
        for (int bit = 0; bit < 256; bit++) {
            byte[] b = a.clone();
            b[bit / 8] ^= (byte) (1 << (bit % 8));
            assertThat(ConstantTime.equals(a, b)).as("bit %d", bit).isFalse();
        }
        assertThat(ConstantTime.equals(a, Arrays.copyOf(a, 31))).isFalse();
        assertThat(ConstantTime.equals(new byte[5], new byte[5])).isTrue();
    }
}
