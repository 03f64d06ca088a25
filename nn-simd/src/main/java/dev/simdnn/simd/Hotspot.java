package dev.simdnn.simd;

import com.sun.management.HotSpotDiagnosticMXBean;

import java.lang.management.ManagementFactory;

/** What the running HotSpot JVM was started with, read from its diagnostic bean. */
final class Hotspot {
    private Hotspot() {
    }

    /** The value of a VM flag, or {@code null} when it does not exist or cannot be read. */
    static String flag(String name) {
        try {
            HotSpotDiagnosticMXBean bean = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
            return bean == null ? null : bean.getVMOption(name).getValue();
        } catch (RuntimeException | LinkageError e) {
            return null;
        }
    }

    /** Whether the CPU's fused multiply-add is used (HotSpot's {@code UseFMA}); true when unknown. */
    static boolean fma() {
        String v = flag("UseFMA");
        return v == null || Boolean.parseBoolean(v);
    }

    /** Why C2 is not compiling hot code, or {@code null} when it is (or when this is not HotSpot). */
    static String noC2Reason() {
        String info = System.getProperty("java.vm.info", "");
        if (info.contains("interpreted mode")) {
            return "the JVM runs interpreted only (-Xint)";
        }
        String level = flag("TieredStopAtLevel");
        String tiered = flag("TieredCompilation");
        if (level != null && Integer.parseInt(level) < 4 && !"false".equals(tiered)) {
            return "C2 is off (-XX:TieredStopAtLevel=" + level + ")";
        }
        String useCompiler = flag("UseCompiler");
        if ("false".equals(useCompiler)) {
            return "the JIT compiler is off (-XX:-UseCompiler)";
        }
        return null;
    }
}
