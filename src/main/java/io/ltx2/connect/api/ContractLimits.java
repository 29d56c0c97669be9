package io.ltx2.connect.api;

import java.util.List;

/** The input rules of {@code api-contract.md} in one place, shared by the validator, the config and the simulator. */
public final class ContractLimits {
    public static final String DEFAULT_BASE_URL = "https://api.apixo.ai/api/v1";
    public static final String DEFAULT_MODEL = "ltx-2-19b";

    public static final List<String> RESOLUTIONS = List.of("480p", "720p", "1080p");
    public static final List<String> ASPECT_RATIOS = List.of("16:9", "9:16");
    public static final List<String> PROVIDERS = List.of("auto", "value", "official");
    public static final List<String> REQUEST_TYPES = List.of("async", "callback");

    /** Characters of a prompt, counted as Unicode code points. */
    public static final int PROMPT_MAX_CHARS = 5000;
    public static final int DURATION_MIN = 5;
    public static final int DURATION_MAX = 20;
    public static final int LORAS_MAX = 3;
    public static final long SEED_RANDOM = -1;
    public static final long SEED_MAX = 2_147_483_647L;

    public static final int CALLS_PER_MINUTE = 10_000;
    public static final int CONCURRENT_TASKS = 1_000;

    private ContractLimits() {
    }
}
