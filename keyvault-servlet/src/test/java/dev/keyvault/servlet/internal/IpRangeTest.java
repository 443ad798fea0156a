package dev.keyvault.servlet.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class IpRangeTest {

    @Test
    void whenRangesAreParsedThenTheyContainExactlyTheirAddresses() {
        IpRange ten = IpRange.parse("10.0.0.0/8");
        IpRange host = IpRange.parse("192.168.1.5");
        IpRange odd = IpRange.parse("172.16.0.0/12");
        IpRange v6 = IpRange.parse("2001:db8::/32");

        assertThat(ten.contains(IpRange.parseAddress("10.255.0.1"))).isTrue();
        assertThat(ten.contains(IpRange.parseAddress("11.0.0.1"))).isFalse();
        assertThat(host.contains(IpRange.parseAddress("192.168.1.5"))).isTrue();
        assertThat(host.contains(IpRange.parseAddress("192.168.1.6"))).isFalse();
        assertThat(odd.contains(IpRange.parseAddress("172.31.255.255"))).isTrue();
        assertThat(odd.contains(IpRange.parseAddress("172.32.0.0"))).isFalse();
        assertThat(v6.contains(IpRange.parseAddress("[2001:db8:1::7]"))).isTrue();
        assertThat(v6.contains(IpRange.parseAddress("2001:db9::1"))).isFalse();
        assertThat(v6.contains(IpRange.parseAddress("10.0.0.1"))).isFalse();
    }

    @Test
    void whenTextIsNotAnAddressLiteralThenItIsNotResolved() {
        // names, and the numeric forms InetAddress would resolve or read leniently, are not literals here
        for (String notLiteral : new String[] {"localhost", "example.com", "1.2.3", "1.2.3.4.5", "01.2.3.4", "256.1.1.1",
                "0x7f.0.0.1", "::g", "", "1.2.3.4 ", "unknown"}) {
            assertThat(IpRange.parseAddress(notLiteral)).as(notLiteral).isNull();
        }
        assertThatThrownBy(() -> IpRange.parse("10.0.0.0/33")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> IpRange.parse("proxy/8")).isInstanceOf(IllegalArgumentException.class);
    }
}
