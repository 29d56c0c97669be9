package io.ltx2.connect.api;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/** The four generation modes of the contract, with what each one requires. */
public enum Mode {
    TEXT_TO_VIDEO("text-to-video", false, false),
    IMAGE_TO_VIDEO("image-to-video", true, false),
    TEXT_TO_VIDEO_LORA("text-to-video-LoRA", false, true),
    IMAGE_TO_VIDEO_LORA("image-to-video-LoRA", true, true);

    private final String wire;
    private final boolean usesImage;
    private final boolean usesLoras;

    Mode(String wire, boolean usesImage, boolean usesLoras) {
        this.wire = wire;
        this.usesImage = usesImage;
        this.usesLoras = usesLoras;
    }

    public String wire() {
        return wire;
    }

    public boolean usesImage() {
        return usesImage;
    }

    public boolean usesLoras() {
        return usesLoras;
    }

    public static Optional<Mode> fromWire(String value) {
        return Arrays.stream(values()).filter(m -> m.wire.equals(value)).findFirst();
    }

    public static List<String> wireNames() {
        return Arrays.stream(values()).map(Mode::wire).toList();
    }
}
