package dev.genbench.config;

import dev.genbench.console.UserError;

/** The on-disk layouts genbench reads. */
public enum DatasetFormat implements YamlEnum {
    /** Hugging Face {@code save_to_disk}: dataset_dict.json, split folders of Arrow IPC stream shards. */
    HF_DISK("hf"),
    /** {@code <split>/<generator or real>/<image>} folders. */
    FOLDER("folder"),
    /** A CSV file with one row per image: split, path, generator (and optionally label, file_id). */
    CSV("csv"),
    /** Decide from what is on disk. */
    AUTO("auto");

    private final String key;

    DatasetFormat(String key) {
        this.key = key;
    }

    public String key() {
        return key;
    }

    @Override
    public String yaml() {
        return key;
    }

    public static DatasetFormat fromKey(String value) {
        for (DatasetFormat f : values()) {
            if (f.key.equals(value)) {
                return f;
            }
        }
        throw new UserError("The dataset format is \"" + value + "\"; use hf, folder, csv or auto.");
    }
}
