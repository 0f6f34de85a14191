package dev.genbench.protocol;

import java.util.List;

/**
 * What the protocol needs to know of one split after the loader's filtering (SPEC §1.4): for every
 * position, its generator id and its sample {@code ID}. Position p is the p-th kept row.
 *
 * <p>The arrays are not copied (a split has up to hundreds of thousands of rows); callers must not change
 * them afterwards.
 *
 * @param name the split's name, for messages
 * @param generatorNames generator id to name; id 0 is {@code ""} (real images) when the split has reals
 * @param generatorIds the generator id of each position
 * @param sampleIds the {@code ID} of each position: the row index in the split before filtering
 */
public record LabelledSplit(String name, List<String> generatorNames, int[] generatorIds, long[] sampleIds) {
    public LabelledSplit {
        generatorNames = List.copyOf(generatorNames);
        if (generatorIds.length != sampleIds.length) {
            throw new IllegalArgumentException("split " + name + ": " + generatorIds.length + " generator ids but " + sampleIds.length + " sample ids");
        }
        for (int id : generatorIds) {
            if (id < 0 || id >= generatorNames.size()) {
                throw new IllegalArgumentException("split " + name + ": generator id " + id + " outside 0.." + (generatorNames.size() - 1));
            }
        }
    }

    public int size() {
        return generatorIds.length;
    }

    public boolean isReal(int position) {
        return generatorNames.get(generatorIds[position]).isEmpty();
    }

    public String generator(int position) {
        return generatorNames.get(generatorIds[position]);
    }

    /** The id of {@code name}, or -1 when the split does not have it. */
    public int generatorId(String name) {
        return generatorNames.indexOf(name);
    }
}
