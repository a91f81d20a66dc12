import { initBackend } from '@ecamp/core';
import { BadSampleError } from '@ecamp/data';
import { SampleError } from '../finetune/images.js';
import { resolveFinetuneOptions, FINETUNE_FLAGS, FinetuneOptionError } from '../finetune/options.js';
import { runFinetune } from '../finetune/run.js';
import { createLogger } from '../run/logger.js';
import type { Command } from './command.js';

/** `ecamp finetune`: train a classification, segmentation or detection head on an encoder with the authors' protocols. */
export const finetuneCommand: Command = {
  name: 'finetune',
  summary: 'fine-tune an encoder on your data: classification, segmentation or detection (authors’ protocols)',
  help: `Usage: ecamp finetune --task <task> --encoder <file|random> --data <source> (--test <source> | --split a/b[/c]) [options]

Trains the task's head (and, with --protocol finetune, the encoder) on --data, keeps the
epoch with the best validation metric (checkpoints/head.safetensors, written atomically),
and prints the test metric with a 95 % bootstrap interval over images. Every step and
validation goes to <out>/metrics.jsonl; the run's summary to <out>/summary.json.

Data (any format @ecamp/data reads, told from the file or folder):
  classification list   "path l1 l2 …" per line: 0/1 labels (multi-label, BCE) or one class
                        index (single-label, softmax; also a one-hot row with --labels single-label)
  SIIM CSV              ImageId,EncodedPixels (RLE; -1 = empty)       segmentation
  box CSV               image_path,bbox "[[x1,y1,x2,y2],…]"           detection, or segmentation
                                                                        (boxes filled as masks)
  mask CSV              img_path,mask_path                             segmentation
  folder                <folder>/images + <folder>/masks, paired by     segmentation
                        name or leading id (DRIVE: --masks 1st_manual)

Options:
  --task <t>             classification | segmentation | detection (required)
  --encoder <file>       encoder safetensors (ecamp's encoder.safetensors, or a timm/MAE ViT),
                         or 'random' for a freshly initialised --vit (the baseline)
  --vit <preset>         preset of a random encoder: tiny | small | base (default tiny)
  --data <source>        training data (required)
  --val <source>         validation data: early stopping and the best epoch (default: none,
                         the last epoch is kept)
  --test <source>        test data (required unless --split)
  --split <a/b[/c]>      split --data itself, seeded: train/test or train/val/test as image
                         counts (15/5) or percentages (70%/10%/20%)
  --fraction <p>         train on 1, 10 or 100 % of the training images (seeded, nested; 100)
  --image-root <dir>     folder relative paths are resolved against (default: the list's folder)
  --images <name>        folder data: the image sub-folder (default images)
  --masks <name|dir>     folder data: the mask sub-folder (default masks)
  --labels <mode>        auto | multi-label | single-label (default auto: one column of class
                         indices above 1 is single-label, 0/1 columns multi-label)
  --classes <n>          single-label: number of classes (default: from the data)
  --colour <c>           grey (default: colour images to luma, repeated on 3 channels, as the
                         authors) | rgb
  --protocol <p>         finetune (classification default: encoder and head train) |
                         frozen (segmentation and detection default: frozen encoder, full head)
                         | linear-probe (classification: MAE's probe head on a frozen encoder)
  --image-size <px>      input side (default 224)
  --final-norm           read the encoder's final LayerNorm output (default: the last block's
                         tokens, as the authors' heads)
  --optimizer <o>        sgd (classification default, momentum 0.9) | adamw (segmentation,
                         detection default)
  --lr <x>               peak learning rate (classification 1e-2, segmentation/detection 5e-4)
  --weight-decay <x>     (SGD 0, AdamW 0.05)
  --momentum <x>         SGD momentum (0.9)
  --layer-decay <x>      layer-wise lr decay when fine-tuning, e.g. 0.75 (default off)
  --warmup <steps>       linear warm-up before the cosine (classification/segmentation 50,
                         detection 5; at most a tenth of all steps)
  --clip <x>             gradient-norm clipping (1.0)
  --epochs <n>           at most this many epochs (classification 30, others 50)
  --batch-size <n>       (classification 32, others 16)
  --patience <n>         stop after n epochs without a better validation metric
                         (classification 20, segmentation 40, detection 20)
  --augment <a>          auto (default: random-resized crop + flip when the encoder trains) |
                         on | off; classification only
  --decoder-widths <w>   segmentation decoder widths (default 512,256,128,64, the authors')
  --head-width <x>       detection neck width multiplier on the authors' widths (default 1)
  --bootstrap <n>        resamples behind each interval (1000; detection 200)
  --seed <n>             every random choice: split, fraction, init, order, crops (default 0)
  --out <dir>            run folder (default runs/finetune-<task>)
  --on-bad-sample <p>    skip (default: log and count) | fail (stop at the first bad row,
                         image or mask, naming its file, line and field)

Metrics: classification mean AUROC (multi-label) or accuracy + macro AUROC (single-label);
segmentation per-image Dice at 0.5 over all test images (empty prediction on an empty mask =
1) and over images with a finding; detection mAP over IoU 0.40:0.05:0.75 in two modes —
"ours" (every test image, VOC matching) and "authors'" (torchmetrics-style COCO-101, σ(obj)
≥ 0.5, only images with a true box and a non-empty output).

Examples:
  ecamp finetune --task segmentation --encoder runs/tiny/checkpoints/encoder.safetensors \\
    --data ../shared/data/drive/training --masks 1st_manual --split 15/5 --epochs 40
  ecamp finetune --task classification --encoder random --data train.txt --val val.txt \\
    --test test.txt --labels single-label`,
  options: FINETUNE_FLAGS,
  run: (values) =>
    exitOnUserError('finetune', async () => {
      const options = resolveFinetuneOptions(values);
      const log = createLogger(`finetune:${options.task}`);
      const backend = await initBackend({ quiet: true });
      log.info(`backend: ${JSON.stringify(backend)}`);
      await runFinetune(options, log);
      return 0;
    }),
};

/**
 * Runs the body of `ecamp <command>` (finetune, eval): bad options, and bad input under
 * --on-bad-sample fail, end it with exit code 2 and their message on stderr (it names the flag,
 * or the file, line and field); anything else is a bug and is thrown.
 */
export async function exitOnUserError(command: string, body: () => Promise<number>): Promise<number> {
  try {
    return await body();
  } catch (e) {
    if (e instanceof FinetuneOptionError || e instanceof BadSampleError || e instanceof SampleError) {
      process.stderr.write(`ecamp ${command}: ${e.message}\n`);
      return 2;
    }
    throw e;
  }
}
