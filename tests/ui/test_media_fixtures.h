#pragma once
// Media files for the Qt tests: PNG images drawn with QPainter, and a real
// Motion-JPEG AVI written by hand (RIFF layout from Microsoft's AVI reference), so
// that the tests need no video encoder.
#include <QBuffer>
#include <QDir>
#include <QFile>
#include <QImage>
#include <QPainter>
#include <QtEndian>

namespace fixtures {

inline QImage drawShape(QColor background, QColor shape, bool circle, QSize size = {320, 240},
                        int frame = 0) {
  QImage image(size, QImage::Format_RGB32);
  image.fill(background);
  QPainter p(&image);
  p.setRenderHint(QPainter::Antialiasing);
  p.setBrush(shape);
  p.setPen(Qt::NoPen);
  const int side = qMin(size.width(), size.height()) / 2;
  const QRect r(size.width() / 4 + frame * 6, (size.height() - side) / 2, side, side);
  if (circle)
    p.drawEllipse(r);
  else
    p.drawRect(r);
  return image;
}

inline QString writeImage(const QDir& dir, const QString& name, const QImage& image) {
  const QString path = dir.filePath(name);
  return image.save(path) ? path : QString();
}

class RiffWriter {
 public:
  void u32(quint32 v) {
    char b[4];
    qToLittleEndian(v, b);
    m_data.append(b, 4);
  }
  void u16(quint16 v) {
    char b[2];
    qToLittleEndian(v, b);
    m_data.append(b, 2);
  }
  void fourcc(const char* c) { m_data.append(c, 4); }
  // Opens a chunk (or a RIFF/LIST with its type); close() writes its size.
  void open(const char* id, const char* type = nullptr) {
    fourcc(id);
    m_open.append(m_data.size());
    u32(0);
    if (type) fourcc(type);
  }
  void close() {
    const qsizetype at = m_open.takeLast();
    qToLittleEndian(quint32(m_data.size() - at - 4), m_data.data() + at);
    if (m_data.size() % 2) m_data.append('\0');  // chunks are word-aligned
  }
  void bytes(const QByteArray& b) { m_data.append(b); }
  qsizetype size() const { return m_data.size(); }
  const QByteArray& data() const { return m_data; }

 private:
  QByteArray m_data;
  QList<qsizetype> m_open;
};

// A Motion-JPEG AVI of `frames` frames at `fps`: a shape moving right.
inline QString writeAvi(const QDir& dir, const QString& name, int frames = 6, int fps = 2,
                        QSize size = {160, 120}) {
  QList<QByteArray> jpegs;
  for (int i = 0; i < frames; ++i) {
    QByteArray jpeg;
    QBuffer buffer(&jpeg);
    buffer.open(QIODevice::WriteOnly);
    drawShape(QColor(250, 236, 210), QColor(220, 90, 60), true, size, i).save(&buffer, "JPEG", 90);
    jpegs.append(jpeg);
  }
  const quint32 w = size.width(), h = size.height();
  RiffWriter r;
  r.open("RIFF", "AVI ");
  r.open("LIST", "hdrl");
  r.open("avih");
  for (quint32 v : {1000000u / fps, 0u, 0u, 0x10u /*has index*/, quint32(frames), 0u, 1u, 0u, w, h,
                    0u, 0u, 0u, 0u})
    r.u32(v);
  r.close();
  r.open("LIST", "strl");
  r.open("strh");
  r.fourcc("vids");
  r.fourcc("MJPG");
  r.u32(0);
  r.u16(0);
  r.u16(0);
  for (quint32 v : {0u, 1u, quint32(fps), 0u, quint32(frames), 0u, 0xFFFFFFFFu, 0u}) r.u32(v);
  for (quint16 v : {quint16(0), quint16(0), quint16(w), quint16(h)}) r.u16(v);
  r.close();
  r.open("strf");
  r.u32(40);
  r.u32(w);
  r.u32(h);
  r.u16(1);
  r.u16(24);
  r.fourcc("MJPG");
  for (quint32 v : {w * h * 3, 0u, 0u, 0u, 0u}) r.u32(v);
  r.close();
  r.close();  // strl
  r.close();  // hdrl
  r.open("LIST", "movi");
  const qsizetype movi = r.size() - 4;  // index offsets count from the "movi" type
  QList<QPair<quint32, quint32>> index;
  for (const QByteArray& jpeg : jpegs) {
    index.append({quint32(r.size() - movi), quint32(jpeg.size())});
    r.open("00dc");
    r.bytes(jpeg);
    r.close();
  }
  r.close();  // movi
  r.open("idx1");
  for (const auto& [offset, length] : index) {
    r.fourcc("00dc");
    r.u32(0x10);  // key frame
    r.u32(offset);
    r.u32(length);
  }
  r.close();
  r.close();  // RIFF
  const QString path = dir.filePath(name);
  QFile file(path);
  if (!file.open(QIODevice::WriteOnly) || file.write(r.data()) != r.size()) return {};
  return path;
}

inline QString writeText(const QDir& dir, const QString& name, const QByteArray& text) {
  const QString path = dir.filePath(name);
  QFile file(path);
  if (!file.open(QIODevice::WriteOnly)) return {};
  file.write(text);
  return path;
}

}  // namespace fixtures
