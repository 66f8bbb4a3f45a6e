/** Where "now" comes from for effectful hooks (ISO 8601, second precision). */
export type Clock = () => string;
