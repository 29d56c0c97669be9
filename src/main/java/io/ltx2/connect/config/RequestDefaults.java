package io.ltx2.connect.config;

import io.ltx2.connect.api.GenerationInput;
import io.ltx2.connect.api.Mode;

/**
 * The connector's defaults for fields a request record leaves out. The aspect ratio applies to
 * text modes only: the API takes none for image modes, so adding one would make a valid image
 * request invalid.
 *
 * @param seed null when no default seed is configured (the API then picks one)
 */
public record RequestDefaults(String mode, String resolution, int duration, String aspectRatio, Long seed, String provider) {

    public GenerationInput complete(GenerationInput in) {
        String m = in.mode() != null ? in.mode() : mode;
        boolean textMode = Mode.fromWire(m).map(x -> !x.usesImage()).orElse(false);
        return new GenerationInput(
                m,
                in.prompt(),
                in.resolution() != null ? in.resolution() : resolution,
                in.duration() != null ? in.duration() : duration,
                in.aspectRatio() != null || !textMode ? in.aspectRatio() : aspectRatio,
                in.imageUrls(),
                in.seed() != null ? in.seed() : seed,
                in.loras());
    }

    public String provider(String requested) {
        return requested != null ? requested : provider;
    }
}
