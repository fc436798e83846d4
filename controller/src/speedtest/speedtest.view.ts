/** What the upload endpoint counted: the body it read and discarded. */
export interface SpeedtestUploadView {
  bytes: number;
  /** From the request reaching the handler to the last byte of the body. */
  duration_ms: number;
}
