package org.trainbench.engine.cuda.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.trainbench.engine.config.training.MlpRecomputeLevel;
import org.trainbench.engine.config.training.TrainingDtype;
import org.trainbench.engine.cuda.CudaContext;
import org.trainbench.engine.cuda.DeviceBuffer;
import org.trainbench.engine.cuda.GpuAvailability;
import org.trainbench.engine.cuda.Nccl;
import org.trainbench.engine.cuda.NcclGroup;
import org.trainbench.engine.cuda.check.TrainingStepCheck;
import org.trainbench.engine.model.LlamaArchitecture;
import org.trainbench.engine.model.LlamaModel;
import org.trainbench.engine.train.backend.BackendUnavailableException;
import org.trainbench.engine.train.distributed.DataParallel;
import org.trainbench.engine.train.distributed.SingleProcessCommunicator;
import org.trainbench.engine.train.distributed.ZeroStage;
import org.trainbench.engine.train.optim.AdamW;

/**
 * The NCCL path of the cuda backend on the one GPU the device machine lends: an NCCL communicator of world size 1
 * (real ncclCommInitRank and real collectives, each the identity at one rank). Several ranks need several GPUs.
 */
class NcclDataParallelTest {

    @Test
    void collectivesOfOneRankLeaveTheDataAsItWas() {
        GpuAvailability.assumeGpu();
        try (CudaContext context = CudaContext.open(0);
                NcclGroup group = NcclGroup.join(SingleProcessCommunicator.INSTANCE, context);
                DeviceBuffer buffer = context.allocateFloats(1000)) {
            assertTrue(group.version() >= 21800, "NCCL " + group.version());
            float[] values = new float[1000];
            for (int i = 0; i < values.length; i++) {
                values[i] = i * 0.5f - 7;
            }
            context.copy(values, buffer);
            group.allReduceSum(buffer.address(), 1000, Nccl.DataType.FLOAT32);
            group.reduceScatterSum(buffer.address(), 1000, Nccl.DataType.FLOAT32);
            group.allGather(buffer.address(), 1000, Nccl.DataType.FLOAT32);
            group.broadcast(buffer.address(), 1000, Nccl.DataType.FLOAT32, 0);
            group.checkAsyncError("collectives");
            float[] back = new float[1000];
            context.copy(buffer, back);
            assertArrayEquals(values, back);
        }
    }

    /**
     * A data-parallel group of one rank runs the whole NCCL path (padded flat buffers, all-reduce or reduce-scatter,
     * the shard's norm summed over the host communicator, the shard update, the all-gathers of weights and moments):
     * at one rank each is the identity, so every ZeRO stage gives the single process's weights and moments bit for bit.
     */
    @Test
    void aGroupOfOneRankTrainsExactlyAsOneProcess() {
        GpuAvailability.assumeGpu();
        LlamaArchitecture arch = TrainingStepCheck.architecture();
        List<float[]> reference = train(arch, null);
        for (ZeroStage stage : List.of(ZeroStage.NONE, ZeroStage.OPTIMIZER_STATE, ZeroStage.GRADIENTS)) {
            List<float[]> grouped = train(arch, new DataParallel(SingleProcessCommunicator.INSTANCE, stage));
            assertEquals(reference.size(), grouped.size());
            for (int i = 0; i < reference.size(); i++) {
                assertArrayEquals(reference.get(i), grouped.get(i), "zero stage " + stage.number() + ", array " + i);
            }
        }
    }

    /** The launch checks of --gpus run before any GPU is touched, so they hold on a machine without one too. */
    @Test
    void gpusAndWorkersThatDisagreeAreAUsageError() {
        for (String[] args : List.of(new String[] {"--gpus", "2", "--workers", "3"}, new String[] {"--gpus", "0"})) {
            List<String> all = new ArrayList<>(List.of("train", "no-such-config.yaml", "--backend", "cuda"));
            all.addAll(List.of(args));
            java.io.StringWriter err = new java.io.StringWriter();
            picocli.CommandLine cli = org.trainbench.engine.cli.TrainbenchCli.commandLine();
            cli.setErr(new java.io.PrintWriter(err));
            cli.setOut(new java.io.PrintWriter(new java.io.StringWriter()));
            int code = cli.execute(all.toArray(String[]::new));
            assertEquals(org.trainbench.engine.cli.ExitCodes.USAGE, code, all + ": " + err);
            assertTrue(err.toString().contains("--gpus"), err.toString());
        }
    }

    @Test
    void zeroStageThreeIsRefusedByName() {
        GpuAvailability.assumeGpu();
        LlamaArchitecture arch = TrainingStepCheck.architecture();
        LlamaModel host = LlamaModel.create(arch, 3);
        AdamW optimizer = new AdamW(AdamW.Settings.fastLlmDefaults(), host.parameters());
        BackendUnavailableException e = assertThrows(BackendUnavailableException.class, () -> CudaBackend.open(host, optimizer,
                TrainingDtype.BFLOAT16, 1, 32, MlpRecomputeLevel.NONE, null, new DataParallel(SingleProcessCommunicator.INSTANCE,
                        ZeroStage.WEIGHTS)).close());
        assertTrue(e.getMessage().contains("zero_stage 3"), e.getMessage());
    }

    /** Three bf16 steps from the same weights; the weights and both moments afterwards, per parameter. */
    private static List<float[]> train(LlamaArchitecture arch, DataParallel group) {
        LlamaModel host = LlamaModel.create(arch, 3);
        AdamW optimizer = new AdamW(AdamW.Settings.fastLlmDefaults(), host.parameters());
        try (CudaBackend backend = CudaBackend.open(host, optimizer, TrainingDtype.BFLOAT16, 2, 64, MlpRecomputeLevel.NONE, null, group)) {
            backend.copyFromHost();
            for (int step = 0; step < 3; step++) {
                backend.zeroGradients();
                backend.forwardBackward(TrainingStepCheck.batch(2, 64, arch.vocabSize(), 20 + step), 1f);
                backend.synchronizeGradients();
                backend.update(1e-3);
            }
            backend.copyToHost();
        }
        List<float[]> state = new ArrayList<>();
        for (int i = 0; i < host.parameters().size(); i++) {
            state.add(host.parameters().get(i).data().clone());
            state.add(optimizer.firstMoment(i).clone());
            state.add(optimizer.secondMoment(i).clone());
        }
        return state;
    }
}
