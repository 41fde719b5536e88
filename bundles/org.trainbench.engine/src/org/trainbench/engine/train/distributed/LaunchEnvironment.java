package org.trainbench.engine.train.distributed;

import java.util.Map;

/**
 * Where this process sits in a group of workers, read from the variables an outer launcher sets: torchrun's
 * {@code RANK}, {@code WORLD_SIZE}, {@code LOCAL_RANK}, {@code MASTER_ADDR}, {@code MASTER_PORT}, or Slurm's
 * {@code SLURM_PROCID}, {@code SLURM_NTASKS}, {@code SLURM_LOCALID} and the first host of {@code SLURM_NODELIST}
 * (torchrun's variables win where both are set). {@code trainbench train --workers N} sets torchrun's for its workers.
 */
public record LaunchEnvironment(int rank, int worldSize, int localRank, String masterAddress, int masterPort) {
    public static final String RANK = "RANK";
    public static final String WORLD_SIZE = "WORLD_SIZE";
    public static final String LOCAL_RANK = "LOCAL_RANK";
    public static final String MASTER_ADDR = "MASTER_ADDR";
    public static final String MASTER_PORT = "MASTER_PORT";
    /** Set by {@code --workers} for its workers: they stop when the launcher's process is gone. */
    public static final String LAUNCHER_PID = "TRAINBENCH_LAUNCHER_PID";
    /** torchrun's default port, used when MASTER_PORT is not set. */
    public static final int DEFAULT_PORT = 29500;
    /** Used when MASTER_ADDR is not set and there is no Slurm node list: the loopback address, one host. */
    public static final String DEFAULT_ADDRESS = "127.0.0.1";

    /** A single process: no variables set. */
    public static final LaunchEnvironment SINGLE = new LaunchEnvironment(0, 1, 0, DEFAULT_ADDRESS, DEFAULT_PORT);

    /** A launch problem found in the variables, named with the variable and what to do. */
    public static final class InvalidLaunchException extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        public InvalidLaunchException(String message) {
            super(message);
        }
    }

    public boolean distributed() {
        return worldSize > 1;
    }

    /**
     * The launch this environment describes; {@link #SINGLE} when neither torchrun's nor Slurm's variables say there are
     * several workers.
     *
     * @throws InvalidLaunchException when the variables contradict each other or are not numbers
     */
    public static LaunchEnvironment from(Map<String, String> env) {
        boolean torchrun = env.containsKey(WORLD_SIZE) || env.containsKey(RANK);
        if (torchrun) {
            if (!env.containsKey(WORLD_SIZE) || !env.containsKey(RANK)) {
                String missing = env.containsKey(WORLD_SIZE) ? RANK : WORLD_SIZE;
                throw new InvalidLaunchException((missing.equals(RANK) ? WORLD_SIZE : RANK) + " is set but " + missing
                        + " is not: a worker needs both (torchrun sets RANK, WORLD_SIZE, LOCAL_RANK, MASTER_ADDR and MASTER_PORT); "
                        + "unset both to train in one process, or start workers with trainbench train --workers N");
            }
            int world = number(env, WORLD_SIZE, 1);
            int rank = number(env, RANK, 0);
            int local = env.containsKey(LOCAL_RANK) ? number(env, LOCAL_RANK, 0) : rank;
            return of(rank, world, local, env.getOrDefault(MASTER_ADDR, DEFAULT_ADDRESS), port(env), RANK, WORLD_SIZE);
        }
        if (env.containsKey("SLURM_NTASKS") && env.containsKey("SLURM_PROCID")) {
            int world = number(env, "SLURM_NTASKS", 1);
            int rank = number(env, "SLURM_PROCID", 0);
            int local = env.containsKey("SLURM_LOCALID") ? number(env, "SLURM_LOCALID", 0) : rank;
            String address = env.containsKey(MASTER_ADDR) ? env.get(MASTER_ADDR)
                    : env.containsKey("SLURM_NODELIST") ? firstHost(env.get("SLURM_NODELIST"))
                    : env.containsKey("SLURM_JOB_NODELIST") ? firstHost(env.get("SLURM_JOB_NODELIST")) : DEFAULT_ADDRESS;
            return of(rank, world, local, address, port(env), "SLURM_PROCID", "SLURM_NTASKS");
        }
        return SINGLE;
    }

    private static LaunchEnvironment of(int rank, int world, int local, String address, int port, String rankName, String worldName) {
        if (world < 1) {
            throw new InvalidLaunchException(worldName + " is " + world + ": expected 1 or more");
        }
        if (rank < 0 || rank >= world) {
            throw new InvalidLaunchException(rankName + " is " + rank + " but " + worldName + " is " + world + ": expected a rank from 0 to "
                    + (world - 1));
        }
        if (address.isBlank()) {
            throw new InvalidLaunchException(MASTER_ADDR + " is empty: set it to rank 0's host");
        }
        return new LaunchEnvironment(rank, world, local, address, port);
    }

    private static int port(Map<String, String> env) {
        if (!env.containsKey(MASTER_PORT)) {
            return DEFAULT_PORT;
        }
        int port = number(env, MASTER_PORT, 1);
        if (port > 65535) {
            throw new InvalidLaunchException(MASTER_PORT + " is " + port + ": expected a TCP port from 1 to 65535");
        }
        return port;
    }

    private static int number(Map<String, String> env, String name, int minimum) {
        String text = env.get(name).trim();
        try {
            int value = Integer.parseInt(text);
            if (value < minimum) {
                throw new InvalidLaunchException(name + " is " + value + ": expected " + minimum + " or more");
            }
            return value;
        } catch (NumberFormatException e) {
            throw new InvalidLaunchException(name + " is '" + text + "': expected a whole number");
        }
    }

    /**
     * The first host of a Slurm node list: {@code node[01-04,07],gpu5} gives {@code node01}, {@code a,b} gives
     * {@code a}, {@code rack1-n[3-4]} gives {@code rack1-n3}.
     */
    public static String firstHost(String nodeList) {
        String list = nodeList.trim();
        int bracket = list.indexOf('[');
        int comma = list.indexOf(',');
        if (bracket < 0 || (comma >= 0 && comma < bracket)) {
            return comma < 0 ? list : list.substring(0, comma);
        }
        String prefix = list.substring(0, bracket);
        String range = list.substring(bracket + 1);
        int end = range.length();
        for (int i = 0; i < range.length(); i++) {
            char c = range.charAt(i);
            if (c == ',' || c == '-' || c == ']') {
                end = i;
                break;
            }
        }
        return prefix + range.substring(0, end);
    }
}
