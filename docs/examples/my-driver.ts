// A complete driver: counts the images each process loads and reports any
// unsigned one. Run it with: psnotify run docs/examples/my-driver.yaml
import {
  PsGetCurrentProcessId,
  PsRemoveLoadImageNotifyRoutine,
  PsSetLoadImageNotifyRoutineEx,
  PS_IMAGE_NOTIFY_CONFLICTING_ARCHITECTURE,
  SE_SIGNING_LEVEL_UNSIGNED,
  type DriverObject,
  type LoadImageNotifyRoutine,
} from 'psnotify';

const loads = new Map<number, number>();

const onImageLoad: LoadImageNotifyRoutine = (fullImageName, processId, imageInfo) => {
  loads.set(processId, (loads.get(processId) ?? 0) + 1);
  if (imageInfo.ImageSignatureLevel === SE_SIGNING_LEVEL_UNSIGNED) {
    console.log(`my-driver: unsigned ${fullImageName} in pid ${processId} (running in pid ${PsGetCurrentProcessId()})`);
  }
};

export function DriverEntry(driverObject: DriverObject, registryPath: string): number {
  driverObject.DriverUnload = () => {
    PsRemoveLoadImageNotifyRoutine(onImageLoad);
    console.log(`my-driver: unloading; images per process: ${JSON.stringify([...loads])}`);
  };
  return PsSetLoadImageNotifyRoutineEx(onImageLoad, PS_IMAGE_NOTIFY_CONFLICTING_ARCHITECTURE);
}
