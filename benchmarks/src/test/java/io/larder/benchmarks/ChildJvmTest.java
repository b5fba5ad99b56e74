package io.larder.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(120)
class ChildJvmTest {

    /** What the child runs: prints what it was given, exits with the status asked for. */
    public static final class Echo {
        public static void main(String[] args) {
            System.out.println("args=" + Arrays.toString(args));
            System.out.println("analytics disabled=" + System.getProperty("chronicle.analytics.disable"));
            System.out.println("option=" + System.getProperty("larder.test.option"));
            System.err.println("on stderr");
            System.exit(args.length > 0 && args[0].equals("fail") ? 3 : 0);
        }
    }

    @Test
    void runsTheMainWithItsOptionsTheForkFlagsAndItsArguments() throws Exception {
        ChildJvm.Result child = ChildJvm.run(Echo.class, List.of("-Dlarder.test.option=given"), "a", "b c");

        assertThat(child.status()).isZero();
        assertThat(child.output()).contains("args=[a, b c]", "analytics disabled=true", "option=given",
                "on stderr");
    }

    @Test
    void reportsTheChildsExitStatus() throws Exception {
        assertThat(ChildJvm.run(Echo.class, List.of(), "fail").status()).isEqualTo(3);
    }
}
